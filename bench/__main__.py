"""`make bench` (and `make bench-gunicorn`): Gazette under wrk, as production runs it.

For each back end (SQLite; PostgreSQL + Redis when they answer) and each data size
(10,000 then 100,000 articles, seeded by `seed_demo`, which only adds what is missing),
it starts gunicorn (deploy/gunicorn.conf.py, debug off) with nginx (deploy/nginx.conf) in
front, measures every endpoint, then restarts gunicorn with PAGE_CACHE=off and measures
the HTML pages again: the cost of rendering. Results go to bench/results/<time>/.

Missed targets are reported, not fatal; an error response or a server that does not
start ends the run with status 1. The knobs are environment variables (README,
"Performance").
"""

import argparse
import datetime
import http.client
import json
import os
import socket
import sys
import urllib.parse
from pathlib import Path

from bench import nginx, report, server, wrk

RESULTS = server.ROOT / "bench" / "results"
# Database and static files survive between runs, so 100,000 articles are seeded once.
DATA = RESULTS / "data"
# Every request asks for compression, as browsers and API clients do.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}
API_HEADERS = {**BROWSER_HEADERS, "Accept": "application/json"}
# Throttling stays on (its cost is part of every API request) but never answers 429.
UNTHROTTLED = "1000000000/s"
PAGE_CACHE_PAGES = ["home", "list", "list_50", "detail", "tag", "search"]
# Rendered with nothing cached at all (VIEW_CACHE=off too): the full cost of a page.
COLD_RENDER_PAGES = ["list", "detail"]
# A signed-in reader's pages, with the page cache on as shipped: cached per content version
# and reader state, with the reader's own CSRF token.
SIGNED_IN_PAGES = ["home", "list_2", "detail"]
# A reader's cookies as a browser holds them after its first page, the session and the
# CSRF cookie (which the first page sets), printed as a Cookie header.
SIGN_IN = """
from django.conf import settings
from django.test import Client
from content.models import User
reader, _ = User.objects.get_or_create(username="bench-reader")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(reader)
assert client.get("/").status_code == 200
names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
print("; ".join(f"{name}={client.cookies[name].value}" for name in names))
"""

ANALYZE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
"""
PUBLISHED_COUNT = "from content.models import Article; print(Article.objects.published().count())"
# Queries per uncached page, as the second of two requests (the first fills
# process-wide caches such as ContentType's). PATHS is filled in before running.
COUNT_QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
counts = {}
for name, path in json.loads(PATHS).items():
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    assert status == 200, (path, status)
    counts[name] = len(queries)
print(json.dumps(counts))
"""


def options():
    quick = os.environ.get("BENCH_QUICK", "") == "1"
    duration = float(os.environ.get("BENCH_DURATION", "2" if quick else "10"))
    return {
        "quick": quick,
        "duration": duration,
        # Long enough for every worker to have rendered and kept each page once.
        "warmup": min(5.0, duration / 2),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "articles": [
            int(size)
            for size in os.environ.get("BENCH_ARTICLES", "1000" if quick else "10000,100000").split(
                ","
            )
        ],
        "backends": os.environ.get(
            "BENCH_BACKENDS", "sqlite" if quick else "sqlite,postgres"
        ).split(","),
        "database_url": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gazette_bench"
        ),
        "redis_url": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "gunicorn": os.environ.get("BENCH_GUNICORN", "1x1,2x1,2x2,4x1,4x2,8x1").split(","),
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--gunicorn",
        action="store_true",
        help="measure /healthz and home for the worker × thread combinations of BENCH_GUNICORN",
    )
    arguments = parser.parse_args()
    settings = options()
    started = datetime.datetime.now(datetime.UTC)
    folder = RESULTS / started.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True)
    result = {
        "settings": {**settings, "started": started.isoformat(timespec="seconds")},
        "runs": [],
        "gunicorn": [],
    }
    try:
        if arguments.gunicorn:
            result["gunicorn"] = gunicorn_matrix(settings, folder)
        else:
            for backend in settings["backends"]:
                result["runs"] += measure_backend(backend, settings, folder)
    except (server.ServerError, wrk.WrkError) as error:
        print(f"\nmake bench: {error}", file=sys.stderr)
        return 1
    result["targets"] = report.targets(result["runs"])
    paths = report.write(result, folder)
    _point_latest_at(folder)
    if result["runs"]:
        print("\nTargets (reported, not enforced):")
        print(report.targets_table(result["targets"]))
    if settings["quick"]:
        print("\nQuick mode: short runs on little data, to check the harness; noisy figures.")
    print("\nWritten: " + ", ".join(str(path.relative_to(server.ROOT)) for path in paths.values()))
    return 0


def measure_backend(backend, settings, folder):
    """Every data size on one back end; returns the runs."""
    runs = []
    for size in settings["articles"]:
        overrides = backend_overrides(backend, settings, size)
        if overrides is None:
            return runs
        env = _env(backend, overrides, server.free_port())
        print(f"== {backend}, {size:,} articles: migrate, collectstatic ==", flush=True)
        server.manage("migrate", "--noinput", env=env)
        if not runs:
            server.manage("collectstatic", "--noinput", env=env)
        print(f"== {backend}: seed_demo --articles {size} ==", flush=True)
        server.manage("seed_demo", "--articles", str(size), env=env)
        # Fresh statistics for the planner, and the vacuum PostgreSQL's autovacuum would
        # otherwise run during the measurements, as it does after a bulk load.
        server.manage("shell", "--no-imports", "-c", ANALYZE, env=env)
        run = {"backend": backend, "articles": size, "measurements": {}, "notes": []}
        measure_size(run, overrides, settings, folder / f"{backend}-{size}")
        # What the database does for each page's queries at this size (README).
        plans = server.manage("explain_queries", env=env)
        (folder / f"{backend}-{size}" / "query-plans.txt").write_text(plans)
        print("\n" + report.table(run), flush=True)
        runs.append(run)
    return runs


def backend_overrides(backend, settings, size):
    """The environment of a back end with a database of `size` articles (one database per
    size, kept between runs, since seed_demo only adds articles), or None when its
    services do not answer."""
    data = DATA / backend / str(size)
    data.mkdir(parents=True, exist_ok=True)
    common = {"STATIC_ROOT": DATA / "static"}
    if backend == "sqlite":
        return {**common, "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}"}
    if backend == "postgres":
        addresses = [urllib.parse.urlsplit(settings[key]) for key in ("database_url", "redis_url")]
        if not all(_answers(address.hostname, address.port) for address in addresses):
            print("== PostgreSQL or Redis not reachable: PostgreSQL + Redis run skipped ==")
            return None
        address = urllib.parse.urlsplit(settings["database_url"])
        database_url = urllib.parse.urlunsplit(address._replace(path=f"{address.path}_{size}"))
        _create_database(database_url)
        return {**common, "DATABASE_URL": database_url, "REDIS_URL": settings["redis_url"]}
    raise server.ServerError(f"unknown back end {backend!r} in BENCH_BACKENDS (sqlite, postgres)")


def measure_size(run, overrides, settings, folder):
    """Fill `run["measurements"]`: gunicorn with nginx in front, then page cache off."""
    folder.mkdir(parents=True)
    load = wrk.Load(settings["duration"], settings["connections"], settings["threads"])
    warmup = wrk.Load(settings["warmup"], settings["connections"], settings["threads"])
    port = server.free_port()
    env = _env(run["backend"], overrides, port, PAGE_CACHE="on")
    paths = site_paths(env)
    measurements = run["measurements"]

    gunicorn = server.start_gunicorn(env, folder / "gunicorn.log")
    try:
        base = f"http://127.0.0.1:{port}"
        etag = _fetch(base, paths["comments_304"], API_HEADERS)[1].get("ETag")
        if not etag:
            raise server.ServerError(f"{paths['comments_304']} has no ETag to poll with")
        for name in [
            "healthz",
            "static",
            *PAGE_CACHE_PAGES,
            "api_list",
            "api_detail",
            "comments_304",
        ]:
            headers = API_HEADERS if name.startswith(("api", "comments")) else BROWSER_HEADERS
            poll = etag if name == "comments_304" else None
            measurements[name] = _measure(base, paths[name], load, warmup, headers, poll)
        signed_in = {
            **BROWSER_HEADERS,
            "Cookie": server.manage("shell", "-c", SIGN_IN, env=env).strip().splitlines()[-1],
        }
        for name in SIGNED_IN_PAGES:
            measurements[f"signed_in_{name}"] = _measure(base, paths[name], load, warmup, signed_in)

        media = folder / "media"
        media.mkdir()
        # The home page's bytes as a browser receives them (compressed), as a file that
        # nginx sends as it is: nginx's cost for a static file of the page's size.
        (media / "page.html").write_bytes(_fetch(base, "/", BROWSER_HEADERS)[2])
        nginx_port = server.free_port()
        config = nginx.write_config(
            folder / "nginx",
            port=nginx_port,
            upstream=env["GUNICORN_BIND"],
            static_root=overrides["STATIC_ROOT"],
            media_root=media,
        )
        proxy = nginx.start(config, nginx_port)
        try:
            front = f"http://127.0.0.1:{nginx_port}"
            measurements["nginx_static"] = _measure(
                front, "/media/page.html", load, warmup, {"Accept-Encoding": "identity"}
            )
            _fetch(front, "/", BROWSER_HEADERS)
            status = _fetch(front, "/", BROWSER_HEADERS)[1].get("X-Cache-Status", "none")
            measurements["nginx_page"] = {
                **_measure(front, "/", load, warmup),
                "cache_status": status,
            }
            if status != "HIT":
                run["notes"].append(
                    f"nginx cache: the home page was not stored (X-Cache-Status {status}), "
                    "so this is nginx passing requests through"
                )
        finally:
            server.stop(proxy)
    finally:
        server.stop(gunicorn)

    # The render cost (page cache off), then with nothing cached at all.
    rendered = {"PAGE_CACHE": "off"}
    loads = (load, warmup)
    measure_rendered(run, overrides, paths, PAGE_CACHE_PAGES, "render", rendered, folder, loads)
    nothing_cached = {**rendered, "VIEW_CACHE": "off"}
    measure_rendered(
        run, overrides, paths, COLD_RENDER_PAGES, "cold", nothing_cached, folder, loads
    )


def measure_rendered(run, overrides, paths, names, prefix, settings, folder, loads):
    """`names`' pages under gunicorn with `settings`, as `<prefix>_<name>` rows with their
    query counts; `loads` is (measured, warm-up)."""
    load, warmup = loads
    env = _env(run["backend"], overrides, server.free_port(), **settings)
    queries = count_queries(env, {name: paths[name] for name in names})
    gunicorn = server.start_gunicorn(env, folder / f"gunicorn-{prefix}.log")
    try:
        base = f"http://{env['GUNICORN_BIND']}"
        for name in names:
            run["measurements"][f"{prefix}_{name}"] = {
                **_measure(base, paths[name], load, warmup),
                "queries": queries[name],
            }
    finally:
        server.stop(gunicorn)


def site_paths(env):
    """Every endpoint's path in the seeded database of `env`."""
    pages = server.page_paths(env)
    published = int(server.manage("shell", "--no-imports", "-c", PUBLISHED_COUNT, env=env))
    # Page 50, or the last page when there are fewer (quick mode's 1,000 articles).
    last_page = max(1, -(-published // 20))
    slug = pages["article"]
    static = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())["paths"]
    return {
        **pages,
        "healthz": "/healthz",
        "static": "/static/" + static["css/site.css"],
        "list_50": f"/articles/?page={min(50, last_page)}",
        "list_2": f"/articles/?page={min(2, last_page)}",
        "api_list": "/api/v1/articles/",
        "api_detail": f"/api/v1/articles/{slug}/",
        "comments_304": f"/api/v1/articles/{slug}/comments/",
    }


def count_queries(env, paths):
    code = COUNT_QUERIES.replace("PATHS", repr(json.dumps(paths)))
    return json.loads(server.manage("shell", "--no-imports", "-c", code, env=env))


def gunicorn_matrix(settings, folder):
    """/healthz and home for each workers × threads combination, SQLite, smallest size."""
    size = min(settings["articles"])
    overrides = backend_overrides("sqlite", settings, size)
    env = _env("sqlite", overrides, server.free_port())
    server.manage("migrate", "--noinput", env=env)
    server.manage("collectstatic", "--noinput", env=env)
    server.manage("seed_demo", "--articles", str(size), env=env)
    load = wrk.Load(settings["duration"], settings["connections"], settings["threads"])
    warmup = wrk.Load(settings["warmup"], settings["connections"], settings["threads"])
    rows = []
    for combination in settings["gunicorn"]:
        workers, threads = (int(part) for part in combination.split("x"))
        port = server.free_port()
        env = _env(
            "sqlite",
            overrides,
            port,
            PAGE_CACHE="on",
            WEB_CONCURRENCY=workers,
            GUNICORN_THREADS=threads,
        )
        process = server.start_gunicorn(env, folder / f"gunicorn-{workers}x{threads}.log")
        try:
            base = f"http://127.0.0.1:{port}"
            row = {"workers": workers, "threads": threads, "articles": size}
            for name, path in (("healthz", "/healthz"), ("home", "/")):
                row[name] = _measure(base, path, load, warmup)
        finally:
            server.stop(process)
        print(
            f"{workers} workers × {threads} threads: healthz {row['healthz']['rps']:,.0f} req/s, "
            f"home {row['home']['rps']:,.0f} req/s",
            flush=True,
        )
        rows.append(row)
    print("\n" + report.gunicorn_table(rows))
    return rows


def _env(backend, overrides, port, **extra):
    return server.production_env(
        DATA / backend,
        port,
        **{
            "DJANGO_NUM_PROXIES": 1,
            "ANON_THROTTLE_RATE": UNTHROTTLED,
            "USER_THROTTLE_RATE": UNTHROTTLED,
            **overrides,
            **extra,
        },
    )


def _measure(base, path, load, warmup, headers=None, etag=None):
    """Check the answer once (200, or 304 with `etag`), warm up, then measure."""
    headers = dict(headers or BROWSER_HEADERS)
    if etag:
        headers["If-None-Match"] = etag
    expected = 304 if etag else 200
    status = _fetch(base, path, headers)[0]
    if status != expected:
        raise server.ServerError(f"{base}{path} answered {status}, expected {expected}")
    wrk_headers = [f"{name}: {value}" for name, value in headers.items() if name != "If-None-Match"]
    wrk.measure(base + path, warmup, etag=etag, headers=wrk_headers)
    row = wrk.measure(base + path, load, etag=etag, headers=wrk_headers)
    print(f"  {path:<60} {row['rps']:>9,.0f} req/s  p99 {row['p99_ms']:.1f} ms", flush=True)
    return {**row, "path": path}


def _fetch(base, path, headers):
    """One GET, no redirects followed: (status, headers, body)."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _answers(host, port):
    try:
        socket.create_connection((host, port), 1).close()
    except OSError:
        return False
    return True


def _create_database(url):
    import psycopg

    address = urllib.parse.urlsplit(url)
    name = address.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(address._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _point_latest_at(folder):
    latest = RESULTS / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(folder.name)


if __name__ == "__main__":
    sys.exit(main())
