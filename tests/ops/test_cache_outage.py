"""Redis killed for 10 s under load, then started again: the cache is optional.

gunicorn on PostgreSQL and a Redis server of the test's own (never the machine's), under
signed-in pages, sign-ins (API and page), comment posts, uncached pages and API reads.
While Redis is gone, the limits count per process, sessions come from the database, and
every request answers as usual; /readyz says the cache is down, and up once it is back.
"""

import concurrent.futures
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest

from bench.server import free_port, production_env
from tests.ops.client import Client
from tests.ops.conftest import (
    PASSWORD,
    UNTHROTTLED_RATES,
    in_site_shell,
    missing,
    start_servers,
)

pytestmark = pytest.mark.load_sensitive

BEFORE_SECONDS = 2
CUT_SECONDS = 5
AFTER_SECONDS = 3
# How soon a worker uses Redis again once it answers (project/cache.py's RETRY_SECONDS,
# plus a busy machine's margin).
RECOVERY_SECONDS = 10
WORKERS = 2
HTML = {"Accept": "text/html"}
REDIS_START_SECONDS = 10


class RedisServer:
    """A redis-server of this test only, on a free port, without persistence: started
    again after a kill, it is empty, as a replaced cache node would be."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - a fixed command
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        store = redis.Redis(port=self.port)
        deadline = time.monotonic() + REDIS_START_SECONDS
        while True:
            try:
                store.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        store.close()

    def kill(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def redis_server():
    if shutil.which("redis-server") is None:
        missing("redis-server is missing (Debian's redis-server package)")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@dataclass
class Site:
    server: object
    slug: str
    readers: list


@pytest.fixture(scope="module")
def site(tmp_path_factory, ops_postgres_url, static_root, redis_server):
    workdir = tmp_path_factory.mktemp("cache-outage")
    env = production_env(
        workdir,
        free_port(),
        DATABASE_URL=ops_postgres_url,
        REDIS_URL=redis_server.url,
        STATIC_ROOT=static_root,
        WEB_CONCURRENCY=WORKERS,
        GUNICORN_THREADS=2,
        **UNTHROTTLED_RATES,
    )
    article, readers = in_site_shell(
        env,
        ("published_article", {"title": "Read through a cache outage"}),
        ("readers", {"prefix": "outage", "count": 4, "password": PASSWORD}),
    )
    (server,) = start_servers((env, workdir / "gunicorn.log"))
    try:
        yield Site(server, article["slug"], [reader["username"] for reader in readers])
    finally:
        server.stop()


def signed_in(url, username):
    """A client signed in with the session, as the site's JavaScript does."""
    client = Client(url)
    client.sign_in(username, PASSWORD)
    return client


@dataclass
class Load:
    """Requests of each kind in a loop until stopped: (kind, when, status, as expected).
    A request returns its status and the status it answers when all is well."""

    site: Site
    stop: threading.Event = field(default_factory=threading.Event)
    answers: list = field(default_factory=list)

    def run(self, kind, request):
        number = 0
        while not self.stop.is_set():
            status, expected = request(number)
            self.answers.append((kind, time.monotonic(), status, status == expected))
            number += 1

    def kinds(self):
        url, slug, readers = self.site.server.url, self.site.slug, self.site.readers
        reader = signed_in(url, readers[0])
        writer = signed_in(url, readers[1])
        pages = ("/", f"/articles/{slug}/")

        def sign_in(number):
            visitor = Client(url)
            username = readers[2 + number % 2]
            if number % 2:
                visitor.get("/accounts/login/", headers=HTML)  # the CSRF cookie
                form = {"login": username, "password": PASSWORD}
                # Signed in, the form sends the reader on (a failed one is shown again).
                return visitor.post("/accounts/login/", form=form, headers=HTML).status, 302
            visitor.fetch_csrf_token()
            credentials = {"username": username, "password": PASSWORD}
            return visitor.post("/api/v1/auth/login/", json_body=credentials).status, 200

        def uncached(number):
            # A new search each time: nothing stored answers it.
            if number % 2:
                return Client(url).get(f"/search/?q=outage{number}", headers=HTML).status, 200
            return Client(url).get(f"/api/v1/articles/?search=outage{number}").status, 200

        def signed_in_page(number):
            return reader.get(pages[number % 2], headers=HTML).status, 200

        def comment_post(number):
            body = {"body": f"Comment {number}"}
            return writer.post(f"/api/v1/articles/{slug}/comments/", json_body=body).status, 201

        def signed_in_api_read(number):
            return reader.get(f"/api/v1/articles/{slug}/comments/").status, 200

        return {
            "signed-in page": signed_in_page,
            "sign-in": sign_in,
            "comment post": comment_post,
            "uncached page or API read": uncached,
            "signed-in API read": signed_in_api_read,
        }


def readyz(url):
    answer = Client(url).get("/readyz")
    return answer.status, answer.json()


def test_a_redis_outage_costs_no_answer(site, redis_server, report_figure):
    server = site.server
    log_offset = server.log_offset()
    load = Load(site)
    kinds = load.kinds()
    with concurrent.futures.ThreadPoolExecutor(len(kinds)) as pool:
        running = [pool.submit(load.run, kind, request) for kind, request in kinds.items()]
        try:
            time.sleep(BEFORE_SECONDS)
            assert readyz(server.url)[0] == 200
            cut = time.monotonic()
            redis_server.kill()
            during = []
            while time.monotonic() < cut + CUT_SECONDS:
                during.append(readyz(server.url))
                time.sleep(0.5)
            redis_server.start()
            restarted = time.monotonic()
            while readyz(server.url)[0] != 200:
                assert time.monotonic() < restarted + RECOVERY_SECONDS, "/readyz stayed down"
                time.sleep(0.2)
            recovered = time.monotonic() - restarted
            time.sleep(AFTER_SECONDS)
        finally:
            load.stop.set()
        for future in running:
            future.result()

    answers = load.answers
    normal = [answer for answer in answers if answer[3]]
    in_cut = [answer for answer in answers if cut <= answer[1] < restarted]
    errors = sorted({(kind, status) for kind, _, status, _ in answers if status >= 500})
    unexpected = sorted({(kind, status) for kind, _, status, ok in answers if not ok})
    assert errors == []
    assert len(normal) >= 0.99 * len(answers), unexpected
    assert in_cut, "no request was answered during the cut"
    assert {kind for kind, *_ in in_cut} == set(kinds)
    assert during
    assert {(status, body["cache"], body["database"]) for status, body in during} == {
        (503, "error", "ok")
    }
    assert server.alarms_since(log_offset) == []
    # Once per process for an outage this short, not once per request.
    with server.log_path.open() as log:
        log.seek(log_offset)
        outage_lines = [line for line in log if "project.cache" in line and "unreachable" in line]
    assert 1 <= len(outage_lines) <= WORKERS, outage_lines
    report_figure(
        f"Redis killed {CUT_SECONDS} s under load ({WORKERS} workers): {len(answers)} requests, "
        f"{len(in_cut)} during the cut, {len(normal) / len(answers):.1%} answered as normal, "
        f"0 x 5xx; /readyz 503 (cache) x {len(during)} during, 200 again {recovered:.1f} s "
        "after Redis was back"
    )
