"""A database blip under load: gunicorn on PostgreSQL and Redis reaches the database
through a TCP proxy, which is cut for 10 s while a few clients read and write.

What users get meanwhile: visitors' cached pages still answer (200, stale, from each
worker's page cache), everything else a 503 with Retry-After, never a 500; every write
answered 2xx is in the database afterwards, and answers are normal again within
seconds of the database coming back, with no restart.
"""

import concurrent.futures
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass

import pytest

from bench.server import free_port, production_env
from tests.ops.client import Client
from tests.ops.conftest import PASSWORD, UNTHROTTLED_RATES, in_site_shell, start_servers
from tests.ops.tcp_proxy import TcpProxy

pytestmark = pytest.mark.load_sensitive

CUT_SECONDS = 5
# Before the cut, each cached page is answered this often under the load, so that every
# worker has stored it (each process has a page cache of its own); at most this long.
WARM_ANSWERS = 20
CACHED_PAGES = 3  # home, an article, its API detail
WARM_SECONDS_AT_MOST = 30
# Load after the return.
AFTER_SECONDS = 3
CLIENT_THREADS = 6
HTML = {"Accept": "text/html"}
# Answers are "normal again" within this long after the database is back.
RECOVERY_SECONDS = 3


@dataclass
class Answer:
    kind: str
    path: str
    started: float
    finished: float
    status: int
    cache_status: str | None
    retry_after: str | None
    comment_id: int | None = None


@dataclass
class Site:
    server: object
    proxy: TcpProxy
    direct_env: dict
    read_slug: str
    write_slug: str


@pytest.fixture(scope="module")
def site(tmp_path_factory, ops_postgres_url, ops_redis_url, static_root):
    workdir = tmp_path_factory.mktemp("database-outage")
    database = urllib.parse.urlsplit(ops_postgres_url)
    proxy = TcpProxy(free_port(), (database.hostname, database.port or 5432))
    credentials = database.netloc.rpartition("@")[0]
    through_proxy = database._replace(
        netloc=f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    )
    env = production_env(
        workdir,
        free_port(),
        DATABASE_URL=urllib.parse.urlunsplit(through_proxy),
        REDIS_URL=ops_redis_url,
        STATIC_ROOT=static_root,
        WEB_CONCURRENCY=2,
        GUNICORN_THREADS=2,
        **UNTHROTTLED_RATES,
    )
    direct_env = {**env, "DATABASE_URL": ops_postgres_url}
    read_article, write_article, _ = in_site_shell(
        direct_env,
        ("published_article", {"title": "Read through the blip"}),
        ("published_article", {"title": "Written through the blip"}),
        ("readers", {"prefix": "blip", "count": 2, "password": PASSWORD}),
    )
    proxy.start()
    try:
        (server,) = start_servers((env, workdir / "gunicorn.log"))
        try:
            yield Site(server, proxy, direct_env, read_article["slug"], write_article["slug"])
        finally:
            server.stop()
    finally:
        proxy.stop()


def signed_in(url, username):
    """A reader signed in through the API: its session (for pages), and its access token."""
    reader = Client(url)
    return reader, reader.sign_in(username, PASSWORD)


def requests_of(site):
    """What the clients send, by kind: (kind, client, method, path, options) makers."""
    slug = site.read_slug
    reader, _ = signed_in(site.server.url, "blip0")
    _, access = signed_in(site.server.url, "blip1")
    writer = Client(site.server.url, bearer=access)

    def visitor():
        return Client(site.server.url)

    return [
        lambda: ("cached", visitor(), "GET", "/", {"headers": HTML}),
        lambda: ("cached", visitor(), "GET", f"/articles/{slug}/", {"headers": HTML}),
        lambda: ("cached", visitor(), "GET", f"/api/v1/articles/{slug}/", {}),
        lambda: ("uncached", visitor(), "GET", f"/search/?q={uuid.uuid4().hex}", {"headers": HTML}),
        lambda: ("uncached", visitor(), "GET", f"/api/v1/articles/?search={uuid.uuid4().hex}", {}),
        lambda: ("signed in", reader, "GET", f"/articles/{slug}/", {"headers": HTML}),
        lambda: ("signed in", writer, "GET", "/api/v1/auth/user/", {}),
        lambda: (
            "write",
            writer,
            "POST",
            f"/api/v1/articles/{site.write_slug}/comments/",
            {"json_body": {"body": f"Posted through the blip {uuid.uuid4().hex}"}},
        ),
    ]


def load(makers, stop, offset, answers):
    """One client thread: the requests of `makers` in turn until `stop` is set, their
    answers appended to `answers`."""
    turn = offset
    while not stop.is_set():
        kind, client, method, path, options = makers[turn % len(makers)]()
        turn += 1
        started = time.monotonic()
        response = client.request(method, path, **options)
        answers.append(
            Answer(
                kind,
                path,
                started,
                time.monotonic(),
                response.status,
                response.headers.get("Cache-Status"),
                response.headers.get("Retry-After"),
                response.json()["id"] if kind == "write" and response.status == 201 else None,
            )
        )


def warm(answers):
    """Whether each cached page has been answered 200 WARM_ANSWERS times so far."""
    counts = Counter(a.path for a in list(answers) if a.kind == "cached" and a.status == 200)
    return len(counts) == CACHED_PAGES and min(counts.values()) >= WARM_ANSWERS


def share(answers, condition):
    return sum(1 for answer in answers if condition(answer)) / max(1, len(answers))


def test_a_database_cut_serves_cached_pages_stale_and_503s_the_rest(site, report_figure):
    makers = requests_of(site)
    log_offset = site.server.log_offset()
    stop = threading.Event()
    answers = []
    with concurrent.futures.ThreadPoolExecutor(CLIENT_THREADS) as pool:
        clients = [
            pool.submit(load, makers, stop, offset, answers) for offset in range(CLIENT_THREADS)
        ]
        warm_until = time.monotonic() + WARM_SECONDS_AT_MOST
        while not warm(answers):
            assert time.monotonic() < warm_until, "the cached pages were not answered enough"
            time.sleep(0.1)
        cut = time.monotonic()
        site.proxy.stop()
        time.sleep(CUT_SECONDS)
        site.proxy.start()
        restored = time.monotonic()
        time.sleep(AFTER_SECONDS)
        stop.set()
        for client in clients:
            client.result()

    during = [a for a in answers if a.started >= cut and a.finished <= restored]
    cached = [a for a in during if a.kind == "cached"]
    rest = [a for a in during if a.kind != "cached"]
    after = [a for a in answers if a.started >= restored]
    abnormal_after = [a.started - restored for a in after if a.status not in (200, 201)]
    recovery = max(abnormal_after, default=0.0)
    acknowledged = {a.comment_id for a in answers if a.comment_id is not None}
    (marks,) = in_site_shell(site.direct_env, ("article_marks", {"slug": site.write_slug}))
    stored = {comment["id"] for comment in marks["comments"]}
    served_stale = share(
        cached,
        lambda a: a.status == 200 and (a.cache_status or "").startswith("Gazette; hit; ttl=-"),
    )

    report_figure(
        f"database cut {CUT_SECONDS} s (PostgreSQL behind a proxy, 2 x 2 gunicorn, "
        f"{CLIENT_THREADS} clients): {len(answers)} answers, "
        f"{sum(a.status == 500 for a in answers)} x 500; during the cut {len(cached)} cached "
        f"pages {served_stale:.1%} 200 stale, {len(rest)} others "
        f"{share(rest, lambda a: a.status == 503 and a.retry_after):.1%} 503 with Retry-After; "
        f"{len(acknowledged)} writes acknowledged, {len(acknowledged - stored)} lost; "
        f"normal again {recovery:.2f} s after the return"
    )
    assert [a for a in answers if a.status == 500] == []
    assert len(cached) > 50, "too little load during the cut to judge"
    assert len(rest) > 50, "too little load during the cut to judge"
    assert served_stale >= 0.99
    assert {(a.kind, a.status, bool(a.retry_after)) for a in rest} <= {
        (kind, 503, True) for kind in ("uncached", "signed in", "write")
    }
    assert acknowledged, "no comment was acknowledged: the writes did not run"
    assert acknowledged <= stored
    assert {a.status for a in after} & {200, 201}, "nothing answered after the return"
    assert recovery <= RECOVERY_SECONDS
    assert b"Internal Server Error" not in site.server.log_path.read_bytes()[log_offset:]
