"""Hostile bytes the test client cannot send, against the site as production runs it
(gunicorn with deploy/gunicorn.conf.py, bench/server.py): invalid UTF-8 and NUL in the
request line and headers, a 100 kB request line, a broken Content-Length, a chunked
body. Whether gunicorn or Django answers, it is never a 500: a 4xx, or a 200 where the
hostile part is a header the site may ignore.

One server for the module, on a temporary SQLite database with no content: what is
checked is how requests are read, not what the database holds.
"""

import socket

import pytest

from bench.server import ServerError, free_port, manage, production_env, start_gunicorn, stop


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_root):
    workdir = tmp_path_factory.mktemp("hostile-gunicorn")
    port = free_port()
    env = production_env(
        workdir, port, WEB_CONCURRENCY=1, GUNICORN_THREADS=2, STATIC_ROOT=static_root
    )
    try:
        manage("migrate", "--noinput", env=env)
        process = start_gunicorn(env, workdir / "gunicorn.log")
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    yield ("127.0.0.1", port), workdir / "gunicorn.log"
    stop(process)


def exchange(address, raw_request):
    """Sends `raw_request` as it is; returns the status code and the whole response."""
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(raw_request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    status_line = received.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), received


def request(request_line, *headers, body=b""):
    head = [request_line, b"Host: 127.0.0.1", b"Connection: close", *headers]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


RAW_REQUESTS = {
    "invalid UTF-8 in a page's path": request(b"GET /articles/\xff\xfe/ HTTP/1.1"),
    "invalid UTF-8 in an API path": request(b"GET /api/v1/articles/\xff\xfe/ HTTP/1.1"),
    "invalid UTF-8 in the search": request(b"GET /search/?q=\xff\xfe HTTP/1.1"),
    "invalid UTF-8 in an API parameter": request(b"GET /api/v1/articles/?author=\xff HTTP/1.1"),
    "a NUL in the path": request(b"GET /articles/a\x00b/ HTTP/1.1"),
    "a NUL in the query": request(b"GET /search/?q=a\x00b HTTP/1.1"),
    "a 100 kB request line": request(b"GET /search/?q=" + b"a" * 100_000 + b" HTTP/1.1"),
    "a Host that is not one": request(b"GET / HTTP/1.1", b"Host: \xff\x00"),
    "a Content-Length that is not a number": request(
        b"POST /api/v1/auth/login/ HTTP/1.1",
        b"Content-Type: application/json",
        b"Content-Length: abc",
        body=b"{}",
    ),
    "a negative Content-Length": request(
        b"POST /api/v1/auth/login/ HTTP/1.1",
        b"Content-Type: application/json",
        b"Content-Length: -1",
        body=b"{}",
    ),
    "a chunked body of invalid UTF-8": request(
        b"POST /api/v1/auth/login/ HTTP/1.1",
        b"Content-Type: application/json",
        b"Transfer-Encoding: chunked",
        body=b"4\r\n\xff\xfe\xfd\xfc\r\n0\r\n\r\n",
    ),
    "invalid UTF-8 in a JSON body": request(
        b"POST /api/v1/auth/login/ HTTP/1.1",
        b"Content-Type: application/json",
        b"Content-Length: 17",
        body=b'{"username": "\xff"}',
    ),
    "a request line that is not HTTP": request(b"\xff\xfe\x00 / HTTP/1.1"),
}


# Headers a request may carry or not: their garbage is ignored.
IGNORABLE_HEADERS = {
    "invalid UTF-8 in a cookie": request(b"GET / HTTP/1.1", b"Cookie: sessionid=\xff\xfe"),
    "invalid UTF-8 in Accept-Language": request(b"GET / HTTP/1.1", b"Accept-Language: \xff"),
    "invalid UTF-8 in X-Forwarded-For": request(
        b"GET /api/v1/articles/ HTTP/1.1", b"X-Forwarded-For: \xff\xfe"
    ),
    "invalid UTF-8 in Authorization": request(
        b"GET /api/v1/articles/ HTTP/1.1", b"Authorization: Bearer \xff\xfe"
    ),
}


def explain(status, response, log):
    return f"{status}\n{response[:500]!r}\n{log.read_text()[-2000:]}"


@pytest.mark.parametrize("case", RAW_REQUESTS)
def test_hostile_bytes_on_the_wire_are_a_4xx(server, case):
    address, log = server
    status, response = exchange(address, RAW_REQUESTS[case])
    assert 400 <= status < 500, explain(status, response, log)


@pytest.mark.parametrize("case", IGNORABLE_HEADERS)
def test_hostile_bytes_in_optional_headers_are_never_a_500(server, case):
    address, log = server
    status, response = exchange(address, IGNORABLE_HEADERS[case])
    assert status < 500, explain(status, response, log)
