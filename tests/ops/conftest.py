"""Gazette run as production runs it, for the operations tests (`make test-ops`).

Each site is gunicorn with deploy/gunicorn.conf.py, debug off, in processes of its own:
SQLite in a file (the embedded default), or PostgreSQL and Redis shared by two
instances (the scale-out path). Data is made, and outcomes read, inside the site's own
`manage.py shell` (tests/ops/site_shell.py), on the database its gunicorn uses.

`TEST_OPS_DATABASE_URL` names the PostgreSQL database these tests create and drop
(default `postgres://postgres@127.0.0.1:5432/gazette_ops`), `TEST_OPS_REDIS_URL` the
Redis database they flush (default `redis://127.0.0.1:6379/13`). Without PostgreSQL,
Redis or wrk the tests that need them skip, and fail under CI=true.
"""

import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import socket
import sqlite3
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import nginx
from bench.server import (
    SQLITE_FILE,
    ServerError,
    free_port,
    manage,
    production_env,
    start_gunicorn,
    stop,
)

# API throttling stays on, as in production, but never answers 429: a hundred clients
# share one address and the tests post far more than a reader would.
UNTHROTTLED = "1000000000/s"
UNTHROTTLED_RATES = {
    "ANON_THROTTLE_RATE": UNTHROTTLED,
    "USER_THROTTLE_RATE": UNTHROTTLED,
    "COMMENT_THROTTLE_RATE": UNTHROTTLED,
    "AUTH_THROTTLE_RATE": UNTHROTTLED,
}
# The production shape on this 2-core machine: deploy/gunicorn.conf.py's 2 × cores
# workers, 2 threads each, written out so the test does not depend on the core count.
PRODUCTION_WORKERS = {"WEB_CONCURRENCY": 4, "GUNICORN_THREADS": 2}

OPS_DATABASE_URL = os.environ.get(
    "TEST_OPS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gazette_ops"
)
OPS_REDIS_URL = os.environ.get("TEST_OPS_REDIS_URL", "redis://127.0.0.1:6379/13")

# Test-only: the password of every user the tests make.
PASSWORD = "ops-test-password-not-a-secret"

# Figures measured by the tests, printed at the end of the run.
OPS_FIGURES = pytest.StashKey[list]()

# What a healthy server never writes to its log.
LOG_ALARMS = re.compile(r"Traceback|database is locked|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "load_sensitive: measures latency or throughput, or waits on timings, that another "
        "process's load would change: `make test` runs these ops tests with nothing beside "
        "them, and the others beside the SQLite run",
    )


def missing(message):
    """Skip the test for lack of a tool or service, or fail it under CI=true, where
    nothing may be skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def wrk_installed():
    """wrk is on the PATH. Asked for before the site, so that a missing wrk skips (or
    fails) the test before a server is started for nothing."""
    if shutil.which("wrk") is None:
        missing("wrk is missing: `make test-tools` installs it")


def answers(url):
    address = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port), 2).close()
    except OSError:
        return False
    return True


def in_site_shell(env, *calls):
    """Call functions of tests/ops/site_shell.py inside the site's `manage.py shell`, on
    the database of `env`: `calls` are `(name, arguments)` pairs, run in one process (a
    shell takes a second to start). Return their results, in order."""
    code = (
        "import json; from tests.ops import site_shell; "
        f"calls = json.loads({json.dumps(calls)!r}); "
        "results = [getattr(site_shell, name)(**arguments) for name, arguments in calls]; "
        "print('SITE_SHELL ' + json.dumps(results))"
    )
    output = manage("shell", "--no-imports", "-c", code, env=env)
    for line in output.splitlines():
        if line.startswith("SITE_SHELL "):
            return json.loads(line.removeprefix("SITE_SHELL "))
    raise ServerError(f"site_shell answered nothing:\n{output}")


@dataclass
class LiveServer:
    """One gunicorn of a live site."""

    url: str
    env: dict
    log_path: Path
    process: object = None

    def log_offset(self):
        return self.log_path.stat().st_size

    def alarms_since(self, offset):
        """The log lines after `offset` that a healthy server never writes."""
        with self.log_path.open(errors="replace") as log:
            log.seek(offset)
            return [line for line in log.read().splitlines() if LOG_ALARMS.search(line)]

    def stop(self):
        stop(self.process)


def start_servers(*envs_and_logs):
    """Start a gunicorn for each `(env, log_path)`, all at once (each takes seconds to
    import Django); return them in order once every one answers /readyz."""
    with concurrent.futures.ThreadPoolExecutor(len(envs_and_logs)) as pool:
        starting = [pool.submit(start_gunicorn, env, log) for env, log in envs_and_logs]
    failures = [str(start.exception()) for start in starting if start.exception()]
    started = [start.result() for start in starting if not start.exception()]
    if failures:
        for process in started:
            stop(process)
        pytest.fail("\n".join(failures), pytrace=False)
    return [
        LiveServer(f"http://{env['GUNICORN_BIND']}", env, Path(log), process)
        for (env, log), process in zip(envs_and_logs, started, strict=True)
    ]


@contextlib.contextmanager
def nginx_in_front(upstream, *, static_root, media_root):
    """deploy/nginx.conf as shipped (bench/nginx.py rewrites only its paths and ports) on
    a free port, in front of gunicorn at `upstream` (host:port); yields its URL."""
    try:
        nginx.nginx_path()
    except ServerError as error:
        missing(str(error))
    port = free_port()
    # As root, nginx's workers run as an unprivileged user, who cannot enter pytest's
    # private temporary folders: nginx gets a folder of its own that they may enter.
    nginx_dir = Path(tempfile.mkdtemp(prefix="gazette-nginx-"))
    nginx_dir.chmod(0o755)
    try:
        config = nginx.write_config(
            nginx_dir, port=port, upstream=upstream, static_root=static_root, media_root=media_root
        )
        proxy = nginx.start(config, port)
    except ServerError as error:
        shutil.rmtree(nginx_dir)
        pytest.fail(str(error), pytrace=False)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proxy)
        shutil.rmtree(nginx_dir)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """`migrated_sqlite(workdir)` puts a migrated SQLite database where production_env
    has the site of `workdir` look for it. The migrations run once per session, in a
    site of their own; each SQLite site gets a copy (`migrate` takes 3 s, Django's
    start-up included, and the sites would all run the same migrations)."""
    template_dir = tmp_path_factory.mktemp("migrated-sqlite")
    env = production_env(template_dir, free_port())
    try:
        manage("migrate", "--noinput", env=env)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)

    def copy_into(workdir):
        # SQLite's backup API, not a file copy: it reads through the write-ahead log.
        with (
            contextlib.closing(sqlite3.connect(template_dir / SQLITE_FILE)) as template,
            contextlib.closing(sqlite3.connect(Path(workdir) / SQLITE_FILE)) as copy,
        ):
            template.backup(copy)

    return copy_into


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory, static_root, migrated_sqlite):
    """The embedded default as production runs it: a SQLite file (WAL, immediate
    transactions, from project/settings.py), 4 workers × 2 threads, demo content."""
    workdir = tmp_path_factory.mktemp("sqlite-site")
    port = free_port()
    env = production_env(
        workdir, port, STATIC_ROOT=static_root, **PRODUCTION_WORKERS, **UNTHROTTLED_RATES
    )
    migrated_sqlite(workdir)
    try:
        manage("seed_demo", env=env)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    (server,) = start_servers((env, workdir / "gunicorn.log"))
    try:
        yield server
    finally:
        server.stop()


# Short, so that a test sees a page stored by nginx expire.
NGINX_SITE_SHARED_MAX_AGE = 1
NGINX_SITE_READERS = 4


@pytest.fixture(scope="session")
def nginx_site(tmp_path_factory, static_root, migrated_sqlite):
    """The production topology (README "Production"): gunicorn on SQLite, 4 workers × 2
    threads, with nginx in front as shipped; one article and a few readers."""
    workdir = tmp_path_factory.mktemp("nginx-site")
    env = production_env(
        workdir,
        free_port(),
        STATIC_ROOT=static_root,
        DJANGO_NUM_PROXIES=1,
        PAGE_CACHE_SHARED_MAX_AGE=NGINX_SITE_SHARED_MAX_AGE,
        PAGE_CACHE_STALE_WHILE_REVALIDATE=0,
        **PRODUCTION_WORKERS,
        **UNTHROTTLED_RATES,
    )
    migrated_sqlite(workdir)
    article, readers = in_site_shell(
        env,
        ("published_article", {"title": "Lanterns on the quay"}),
        ("readers", {"prefix": "night-reader", "count": NGINX_SITE_READERS, "password": PASSWORD}),
    )
    (app,) = start_servers((env, workdir / "gunicorn.log"))
    try:
        with nginx_in_front(
            env["GUNICORN_BIND"], static_root=static_root, media_root=workdir
        ) as url:
            yield {"url": url, "app": app, "env": env, "slug": article["slug"], "readers": readers}
    finally:
        app.stop()


@pytest.fixture(scope="session")
def ops_postgres_url(tmp_path_factory):
    """A fresh PostgreSQL database for the scale-out tests, migrated once for all of
    them (each module's data is its own), dropped at the end."""
    import psycopg

    if not answers(OPS_DATABASE_URL):
        missing(f"PostgreSQL does not answer at {OPS_DATABASE_URL} (TEST_OPS_DATABASE_URL)")
    address = urllib.parse.urlsplit(OPS_DATABASE_URL)
    name = address.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        pytest.fail(f"TEST_OPS_DATABASE_URL: {name!r} is not a plain database name")
    maintenance = urllib.parse.urlunsplit(address._replace(scheme="postgresql", path="/postgres"))

    def recreate(create):
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                connection.execute(f'CREATE DATABASE "{name}"')

    recreate(create=True)
    try:
        workdir = tmp_path_factory.mktemp("ops-postgres")
        env = production_env(workdir, free_port(), DATABASE_URL=OPS_DATABASE_URL)
        manage("migrate", "--noinput", env=env)
        yield OPS_DATABASE_URL
    finally:
        recreate(create=False)


@pytest.fixture(scope="session")
def ops_redis_url():
    """The Redis database of the scale-out tests, empty before and after."""
    import redis

    if not answers(OPS_REDIS_URL):
        missing(f"Redis does not answer at {OPS_REDIS_URL} (TEST_OPS_REDIS_URL)")
    store = redis.Redis.from_url(OPS_REDIS_URL)
    store.flushdb()
    try:
        yield OPS_REDIS_URL
    finally:
        store.flushdb()
        store.close()


@pytest.fixture(scope="session")
def report_figure(request):
    """`report_figure(line)`: a measured figure for the summary at the end of the run."""
    return request.config.stash.setdefault(OPS_FIGURES, []).append


def pytest_terminal_summary(terminalreporter, config):
    figures = config.stash.get(OPS_FIGURES, [])
    if figures:
        terminalreporter.section("Operations figures")
        for line in figures:
            terminalreporter.write_line(line)
