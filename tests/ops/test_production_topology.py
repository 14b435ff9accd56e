"""The production topology as shipped (README "Production"): nginx (deploy/nginx.conf)
in front of gunicorn (deploy/gunicorn.conf.py, 4 workers × 2 threads), as `make serve`
runs it. Slow clients cost the other readers nothing, a reload or a deploy under load
fails no request, and no error page of nginx or gunicorn reaches an /api/ client as
HTML."""

import concurrent.futures
import http.client
import json
import signal
import socket
import statistics
import threading
import time
import urllib.parse

import pytest

from bench.server import free_port
from tests.ops.client import Client
from tests.ops.conftest import PASSWORD, nginx_in_front

pytestmark = pytest.mark.load_sensitive

SLOW_CLIENTS = 50
# A slow client sends one byte of its headers this often: 60 bytes in its first 6 s,
# never a whole request while the test measures.
SLOW_BYTE_SECONDS = 0.1
MEASURE_SECONDS = 2.5
# The site's readers (NGINX_SITE_READERS): half its 4 × 2 worker threads, a load it
# carries, not a queue.
RELOAD_SECONDS = 3


def latencies(url, path, seconds):
    """A normal client's one-connection GETs of `path` for `seconds`: their durations."""
    client = Client(url)
    taken = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        assert client.get(path).status == 200
        taken.append(time.monotonic() - started)
    return taken


def send_slowly(url, stop, connected):
    """A client that sends its request's headers a byte at a time, never finishing."""
    address = urllib.parse.urlsplit(url)
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 1000
    with socket.create_connection((address.hostname, address.port), 5) as slow:
        connected.release()
        for byte in head:
            if stop.is_set():
                return
            slow.send(bytes([byte]))
            stop.wait(SLOW_BYTE_SECONDS)


def test_fifty_slow_clients_leave_a_normal_clients_p50_within_2x(nginx_site, report_figure):
    # /healthz goes through nginx to gunicorn every time (never nginx's cache).
    alone = statistics.median(latencies(nginx_site["url"], "/healthz", MEASURE_SECONDS))

    stop = threading.Event()
    connected = threading.Semaphore(0)
    with concurrent.futures.ThreadPoolExecutor(SLOW_CLIENTS) as pool:
        slow = [
            pool.submit(send_slowly, nginx_site["url"], stop, connected)
            for _ in range(SLOW_CLIENTS)
        ]
        for _ in range(SLOW_CLIENTS):
            assert connected.acquire(timeout=10)
        try:
            beside_them = latencies(nginx_site["url"], "/healthz", MEASURE_SECONDS)
        finally:
            stop.set()
    # Every slow client was still sending while the normal one was measured.
    assert [future.exception() for future in slow] == [None] * SLOW_CLIENTS

    with_slow = statistics.median(beside_them)
    report_figure(
        f"{SLOW_CLIENTS} slow clients through nginx: a normal client's p50 "
        f"{with_slow * 1000:.1f} ms (alone {alone * 1000:.1f} ms; {len(beside_them)} "
        f"requests in {MEASURE_SECONDS} s)"
    )
    assert with_slow <= 2 * alone


def reader_load(url, paths, readers, stop, signed_in):
    """Signed-in readers, each asking for `paths` in turn until `stop` once all are
    signed in (`signed_in`, a barrier): the (start, duration, status or error, path) of
    every request. Signed in, so every page is rendered by gunicorn, never answered from
    nginx's cache."""

    def read(reader):
        client = Client(url)
        client.sign_in(reader["username"], PASSWORD)
        for path in paths:  # the reader's own pages, rendered once: the load is steady
            client.get(path, headers=accepts(path))
        signed_in.wait()
        outcomes = []
        while not stop.is_set():
            for path in paths:
                started = time.monotonic()
                try:
                    outcome = client.get(path, headers=accepts(path)).status
                except OSError as error:
                    outcome = repr(error)
                outcomes.append((started, time.monotonic() - started, outcome, path))
        return outcomes

    pool = concurrent.futures.ThreadPoolExecutor(len(readers))
    return pool, [pool.submit(read, reader) for reader in readers]


def accepts(path):
    """What a browser asks for a page, and the site's JavaScript for the API."""
    return {"Accept": "application/json" if path.startswith("/api/") else "text/html"}


def worker_pids(master_pid):
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as children:
        return set(children.read().split())


def p99(durations):
    durations = sorted(durations)
    return durations[int(len(durations) * 0.99)]


def test_a_sighup_under_load_fails_no_request_and_keeps_p99_under_a_second(
    nginx_site, report_figure
):
    paths = ["/", f"/articles/{nginx_site['slug']}/", "/api/v1/articles/", "/healthz"]
    master = nginx_site["app"].process
    # The master made the first requests of every kind before forking any worker.
    warmed = f"Warmed up: /healthz 200 OK, / 200 OK, /api/v1/articles/ 200 OK, {paths[1]} 200 OK"
    assert warmed in nginx_site["app"].log_path.read_text()
    workers_before = worker_pids(master.pid)
    stop = threading.Event()
    signed_in = threading.Barrier(len(nginx_site["readers"]) + 1)
    pool, loads = reader_load(nginx_site["url"], paths, nginx_site["readers"], stop, signed_in)
    with pool:
        signed_in.wait(timeout=30)
        time.sleep(RELOAD_SECONDS)
        reloaded_at = time.monotonic()
        master.send_signal(signal.SIGHUP)
        time.sleep(RELOAD_SECONDS)
        stop.set()
    outcomes = [outcome for load in loads for outcome in load.result()]

    failed = [outcome for outcome in outcomes if outcome[2] != 200]
    before = [taken for started, taken, *_ in outcomes if started < reloaded_at]
    during = [taken for started, taken, *_ in outcomes if started >= reloaded_at]
    report_figure(
        f"SIGHUP under load ({len(nginx_site['readers'])} signed-in readers through nginx): "
        f"{len(failed)} failed of {len(outcomes)}; p99 {p99(during) * 1000:.0f} ms, max "
        f"{max(during) * 1000:.0f} ms in the {RELOAD_SECONDS} s after it ({len(during)} "
        f"requests), p99 {p99(before) * 1000:.0f} ms in the {RELOAD_SECONDS} s before"
    )
    assert failed == []
    assert p99(during) <= 1.0
    # The reload happened: a new worker for each old one (which may still be exiting).
    assert len(worker_pids(master.pid) - workers_before) == len(workers_before)


def raw_answer(url, request):
    """Send the bytes of `request` on a connection of their own; the status, the
    Content-Type and the body of the answer."""
    address = urllib.parse.urlsplit(url)
    with socket.create_connection((address.hostname, address.port), 10) as connection:
        connection.sendall(request)
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        return answer.status, answer.getheader("Content-Type", ""), answer.read()


def api_get(target=b"/api/v1/articles/", *headers):
    return (
        b"\r\n".join(
            [b"GET " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close", *headers]
        )
        + b"\r\n\r\n"
    )


# What gunicorn alone refuses with its own HTML page, or nginx with its own.
MALFORMED_API_REQUESTS = {
    "no request line": b"NONSENSE\r\n\r\n",
    # Longer than gunicorn's default limit (4,094 bytes), within nginx's.
    "a 7,900-byte request line": api_get(b"/api/v1/articles/?search=" + b"q" * 7900),
    "a 20,000-byte request line": api_get(b"/api/v1/articles/?search=" + b"q" * 20000),
    "a 7,900-byte header": api_get(b"/api/v1/articles/", b"X-Long: " + b"h" * 7900),
    "a 7,900-byte X-Forwarded-For": api_get(
        b"/api/v1/articles/", b"X-Forwarded-For: " + b"1" * 7900
    ),
    "a 9,000-byte header": api_get(b"/api/v1/articles/", b"X-Long: " + b"h" * 9000),
    "150 headers": api_get(b"/api/v1/articles/", *(b"X-H%d: h" % i for i in range(150))),
    "40 kB of headers": api_get(
        b"/api/v1/articles/", *(b"X-H%d: " % i + b"h" * 5000 for i in range(8))
    ),
    "a 20 MB body": b"POST /api/v1/preview/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n",
}


@pytest.mark.parametrize("case", MALFORMED_API_REQUESTS)
def test_an_api_client_gets_json_whatever_it_sends(nginx_site, case):
    status, content_type, body = raw_answer(nginx_site["url"], MALFORMED_API_REQUESTS[case])
    assert content_type.startswith("application/json"), (status, body[:200])
    error = json.loads(body)
    if status >= 400:
        assert error["status"] == status
        assert set(error) == {"status", "code", "message", "errors"}


def test_nginx_answers_json_under_api_and_text_elsewhere_when_gunicorn_is_down(
    static_root, tmp_path
):
    nobody = f"127.0.0.1:{free_port()}"
    with nginx_in_front(nobody, static_root=static_root, media_root=tmp_path) as url:
        api_status, api_type, api_body = raw_answer(url, api_get())
        page_status, page_type, _ = raw_answer(url, api_get(b"/articles/"))
    assert (api_status, api_type) == (502, "application/json")
    assert json.loads(api_body)["code"] == "bad_gateway"
    assert (page_status, page_type) == (502, "text/plain")
