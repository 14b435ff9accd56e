"""`make bench-mixed`: a mixed read/write load with wrk at the server's saturation point.

Mostly anonymous GETs (home, the article list, an article, a tag, the API's list and
detail), and writes signed in with JWT bearer tokens obtained beforehand through
`auth/login/`: comments posted, likes set and taken back (bench/mixed.lua). Against a
fresh SQLite database (the embedded default) seeded by `seed_demo`, with gunicorn as
production runs it and throttling at an unreachable rate.

The saturation point is found first: short runs with more and more connections until
the throughput stops rising; the measured run then holds the fewest connections that
reached 95 % of the best throughput. Any error (a socket error, a status other than the
expected 200 and 201) ends the run with status 1.

Knobs: BENCH_DURATION (seconds of the measured run, default 30, at most 60),
BENCH_MIXED_SWEEP (connection counts to try, default 1,2,4,8,16,32,64), BENCH_MIXED_PROBE
(seconds per try, default 5), BENCH_CONNECTIONS (skip the sweep, use this many),
BENCH_MIXED_WRITE_PERCENT (default 10), BENCH_MIXED_ARTICLES (default 1000),
WEB_CONCURRENCY and GUNICORN_THREADS (the server). The figures and the server's log go
to bench/results/mixed-<time>/.
"""

import datetime
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

from bench import server, wrk

SCRIPT = server.ROOT / "bench" / "mixed.lua"
RESULTS = server.ROOT / "bench" / "results"
UNTHROTTLED = "1000000000/s"
UNTHROTTLED_RATES = {
    "ANON_THROTTLE_RATE": UNTHROTTLED,
    "USER_THROTTLE_RATE": UNTHROTTLED,
    "COMMENT_THROTTLE_RATE": UNTHROTTLED,
    "AUTH_THROTTLE_RATE": UNTHROTTLED,
}
EXPECTED_STATUSES = {200, 201}
MAX_DURATION = 60
# Throughput "stops rising" when a doubling of connections adds less than this.
RISE = 1.05
SATURATED = 0.95
READERS = 8

# Readers who may sign in (verified e-mail), sharing PASSWORD; the newest articles' slugs.
MAKE_READERS = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from content.models import Article, User
password = make_password(PASSWORD)
for number in range(COUNT):
    user, _ = User.objects.get_or_create(
        username=f"mixed-load-{number}",
        defaults={"email": f"mixed-load-{number}@example.com", "password": password},
    )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
slugs = Article.objects.published().newest_first().values_list("slug", flat=True)[:10]
print(json.dumps({"usernames": [f"mixed-load-{n}" for n in range(COUNT)], "slugs": list(slugs)}))
"""


def read_paths(pages):
    """What visitors read: `pages` as `server.page_paths` names them."""
    return [
        pages["home"],
        pages["list"],
        pages["detail"],
        pages["tag"],
        "/api/v1/articles/",
        f"/api/v1/articles/{pages['article']}/",
    ]


def sign_in(base_url, usernames, password):
    """Access tokens for `usernames`, as an app gets them: `auth/login/` without a CSRF
    token answers with tokens only, no session."""
    address = urllib.parse.urlsplit(base_url)
    tokens = []
    for username in usernames:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request(
                "POST",
                "/api/v1/auth/login/",
                body=json.dumps({"username": username, "password": password}),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            )
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise server.ServerError(f"signing in {username} answered {response.status}: {body}")
        tokens.append(json.loads(body)["access"])
    return tokens


def measure(base_url, load, *, reads, slugs, tokens, write_percent=10):
    """One wrk run of the mixed load; returns requests per second, p50/p99 in
    milliseconds, the statuses seen and the errors by kind (never raises on them)."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise wrk.WrkError(f"benchmarks run against 127.0.0.1 only, not {base_url}")
    env = {
        **os.environ,
        "MIXED_READS": " ".join(reads),
        "MIXED_SLUGS": " ".join(slugs),
        "MIXED_TOKENS": " ".join(tokens),
        "MIXED_WRITE_PERCENT": str(write_percent),
    }
    command = [
        wrk.wrk_path(),
        f"--duration={max(1, round(load.duration))}s",
        f"--connections={load.connections}",
        f"--threads={min(load.threads, load.connections)}",
        "--timeout=5s",
        f"--script={SCRIPT}",
        base_url,
    ]
    result = subprocess.run(  # noqa: S603 - wrk with arguments from this module
        command, env=env, capture_output=True, text=True, timeout=load.duration + 60, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if not lines:
        raise wrk.WrkError(f"wrk exited {result.returncode} without a summary:\n{result.stderr}")
    summary = json.loads(lines[0].removeprefix("BENCH_JSON "))
    seconds = summary["duration_us"] / 1e6
    statuses = {int(status): count for status, count in summary["statuses"].items()}
    return {
        "connections": load.connections,
        "rps": summary["requests"] / seconds,
        "p50_ms": summary["latency_us"]["p50"] / 1000,
        "p99_ms": summary["latency_us"]["p99"] / 1000,
        "requests": summary["requests"],
        "statuses": statuses,
        "unexpected_statuses": {
            status: count for status, count in statuses.items() if status not in EXPECTED_STATUSES
        },
        "socket_errors": {
            kind: count for kind, count in summary["errors"].items() if count and kind != "status"
        },
    }


def require_no_errors(row):
    if row["unexpected_statuses"] or row["socket_errors"] or not row["requests"]:
        raise wrk.WrkError(
            f"mixed load with {row['connections']} connections: statuses {row['statuses']}, "
            f"socket errors {row['socket_errors']}"
        )
    return row


def find_saturation(base_url, sweep, probe_seconds, threads, **workload):
    """Short runs with each connection count of `sweep` until throughput stops rising
    (twice less than RISE over the best); return the fewest connections within
    SATURATED of the best, and every probe."""
    probes, best, flat = [], 0.0, 0
    for connections in sweep:
        load = wrk.Load(probe_seconds, connections, threads)
        row = require_no_errors(measure(base_url, load, **workload))
        probes.append(row)
        print(
            f"  {connections:>4} connections: {row['rps']:>8,.0f} req/s  "
            f"p50 {row['p50_ms']:.1f} ms  p99 {row['p99_ms']:.1f} ms",
            flush=True,
        )
        flat = flat + 1 if row["rps"] < best * RISE else 0
        best = max(best, row["rps"])
        if flat == 2:
            break
    saturation = min(row["connections"] for row in probes if row["rps"] >= best * SATURATED)
    return saturation, probes


def main():
    duration = min(float(os.environ.get("BENCH_DURATION", "30")), MAX_DURATION)
    sweep = [int(n) for n in os.environ.get("BENCH_MIXED_SWEEP", "1,2,4,8,16,32,64").split(",")]
    probe_seconds = float(os.environ.get("BENCH_MIXED_PROBE", "5"))
    write_percent = int(os.environ.get("BENCH_MIXED_WRITE_PERCENT", "10"))
    articles = os.environ.get("BENCH_MIXED_ARTICLES", "1000")
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    started = datetime.datetime.now(datetime.UTC)
    folder = RESULTS / f"mixed-{started.strftime('%Y%m%d-%H%M%S')}"
    folder.mkdir(parents=True)
    # A fresh database each time, so every run starts from the same data.
    workdir = tempfile.mkdtemp(prefix="gazette-bench-mixed-")
    password = secrets.token_urlsafe(16)
    env = server.production_env(workdir, server.free_port(), **UNTHROTTLED_RATES)
    try:
        print(f"== mixed load: migrate, collectstatic, seed_demo --articles {articles} ==")
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            server.manage(*command, env=env)
        server.manage("seed_demo", "--articles", articles, env=env)
        code = MAKE_READERS.replace("PASSWORD", repr(password)).replace("COUNT", str(READERS))
        made = json.loads(server.manage("shell", "--no-imports", "-c", code, env=env))
        reads = read_paths(server.page_paths(env))
        gunicorn = server.start_gunicorn(env, folder / "gunicorn.log")
        try:
            base = env["SITE_URL"]
            workload = {
                "reads": reads,
                "slugs": made["slugs"],
                "tokens": sign_in(base, made["usernames"], password),
                "write_percent": write_percent,
            }
            probes = []
            if os.environ.get("BENCH_CONNECTIONS"):
                saturation = int(os.environ["BENCH_CONNECTIONS"])
            else:
                print(f"== saturation: {probe_seconds:g} s per connection count ==", flush=True)
                saturation, probes = find_saturation(
                    base, sweep, probe_seconds, threads, **workload
                )
            print(f"== measured: {duration:g} s at {saturation} connections ==", flush=True)
            load = wrk.Load(duration, saturation, threads)
            row = require_no_errors(measure(base, load, **workload))
        finally:
            server.stop(gunicorn)
    except (server.ServerError, wrk.WrkError) as error:
        print(f"\nmake bench-mixed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"mixed load, {write_percent} % writes, {saturation} connections, {duration:g} s: "
        f"{row['rps']:,.0f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, "
        f"statuses {dict(sorted(row['statuses'].items()))}, no errors"
    )
    result = {"started": started.isoformat(timespec="seconds"), "probes": probes, "run": row}
    (folder / "mixed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written: {(folder / 'mixed.json').relative_to(server.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
