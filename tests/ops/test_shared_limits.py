"""Sign-in limits count across every gunicorn worker on the embedded default.

With a cache per process, 14 quick wrong-password sign-ins against 2 workers got
400, 400, … 429, 429, 400, 429: each worker counted its own share. The shared cache
without Redis is a folder every worker uses (project/settings.py), so the eleventh
attempt is refused whichever worker answers it. allauth's limits on the sign-in page
count in the same cache.
"""

import time

import pytest

from bench.server import free_port, production_env
from tests.ops.client import Client
from tests.ops.conftest import UNTHROTTLED, start_servers

# Per hour, not per minute, so that a busy machine cannot spread the attempts over two
# windows.
ATTEMPTS_PER_HOUR = 10
ATTEMPTS = 14


@pytest.fixture(scope="module")
def limited_site(tmp_path_factory, static_root, migrated_sqlite):
    """A SQLite site with the API's sign-in limit at 10 an hour, several workers. Only
    the API is asked, but gunicorn warms the pages up before it forks (static files)."""
    workdir = tmp_path_factory.mktemp("shared-limits")
    env = production_env(
        workdir,
        free_port(),
        STATIC_ROOT=static_root,
        WEB_CONCURRENCY=4,
        GUNICORN_THREADS=1,
        AUTH_THROTTLE_RATE=f"{ATTEMPTS_PER_HOUR}/hour",
        ANON_THROTTLE_RATE=UNTHROTTLED,
        USER_THROTTLE_RATE=UNTHROTTLED,
    )
    migrated_sqlite(workdir)
    (server,) = start_servers((env, workdir / "gunicorn.log"))
    try:
        yield server
    finally:
        server.stop()


def test_the_eleventh_failed_sign_in_is_refused_whatever_worker_answers(
    limited_site, report_figure
):
    started = time.monotonic()
    # A new connection each, so the workers take turns; a new name each, so only the
    # limit per client address applies. The throttle counts an attempt before the
    # credentials are checked, so the password is empty: a wrong one would cost the
    # production hasher's time (seconds an attempt on a busy 2-core machine).
    answers = [
        Client(limited_site.url)
        .post("/api/v1/auth/login/", json_body={"username": f"guess{n}", "password": ""})
        .status
        for n in range(ATTEMPTS)
    ]
    seconds = time.monotonic() - started

    assert answers == [400] * ATTEMPTS_PER_HOUR + [429] * (ATTEMPTS - ATTEMPTS_PER_HOUR)
    assert limited_site.alarms_since(0) == []
    report_figure(
        f"shared limits, SQLite, 4 workers: {ATTEMPTS} failed sign-ins, refused from the "
        f"{ATTEMPTS_PER_HOUR + 1}th, in {seconds:.1f} s"
    )
