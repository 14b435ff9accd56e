"""The cost of one cached visitor's answer, measured in process: no HTTP server, no wrk.

`python -m bench.cached_hit DATABASE_URL [REDIS_URL]` calls the WSGI handler in a loop as
production runs it (debug off, the page cache on) against an already migrated and seeded
database, and prints, per endpoint, the microseconds per answer and the CPU time the
PostgreSQL backends spent on them (read from /proc, so only for a database on this
machine). It collects the static files into a temporary folder first (kept for the next
run). Nothing else should run meanwhile: the figures are only as quiet as the machine.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.server import manage, production_env

ROUNDS = 5
CALLS_PER_ROUND = 4000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pids):
    """User and system CPU of PostgreSQL backends `pids` so far (0 when not readable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def main(database_url, redis_url=""):
    workdir = Path(tempfile.gettempdir()) / "gazette-cached-hit"
    overrides = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "project.settings"}
    if redis_url:
        overrides["REDIS_URL"] = redis_url
    env = production_env(workdir, 8000, **overrides)
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        manage("collectstatic", "--noinput", env=env)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from content.models import Article

    handler = WSGIHandler()
    slug = Article.objects.published().newest_first().values_list("slug", flat=True)[0]

    def call(path, **headers):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            **{"HTTP_" + name.upper(): value for name, value in headers.items()},
        }
        status = []
        body = b"".join(handler(environ, lambda s, h, *_: status.append((s, h))))
        return status[0], body

    endpoints = {
        "home": ("/", {}),
        "article": (f"/articles/{slug}/", {}),
        "api comments": (f"/api/v1/articles/{slug}/comments/", {"accept": "application/json"}),
    }
    (_, headers), _ = call(*endpoints["api comments"][:1], **endpoints["api comments"][1])
    etag = dict(headers)["ETag"]
    endpoints["comments poll, 304"] = (
        f"/api/v1/articles/{slug}/comments/",
        {"accept": "application/json", "if_none_match": etag},
    )
    endpoints["healthz"] = ("/healthz", {})

    for name, (path, headers) in endpoints.items():
        for _ in range(200):  # rendered and kept once, the connections opened
            (status, _), _ = call(path, **headers)
        if status.split()[0] not in {"200", "304"}:
            raise SystemExit(f"{name}: {status}")
        pids = set()
        if connection.vendor == "postgresql" and connection.connection is not None:
            pids.add(connection.connection.info.backend_pid)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND application_name LIKE 'gazette%%'"
                )
                pids.update(pid for (pid,) in cursor.fetchall())
        per_call = []
        cpu_before = backend_cpu_seconds(pids)
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(CALLS_PER_ROUND):
                call(path, **headers)
            per_call.append((time.perf_counter() - started) / CALLS_PER_ROUND * 1e6)
        cpu = backend_cpu_seconds(pids) - cpu_before
        calls = ROUNDS * CALLS_PER_ROUND
        print(
            f"{name:20} {statistics.median(per_call):7.1f} µs per answer"
            f" (best {min(per_call):.1f}),"
            f" PostgreSQL backend CPU {cpu / calls * 1e6:5.1f} µs per answer"
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
