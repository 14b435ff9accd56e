"""Sign-up latency with the mail server up, slow and down (issue 19's note), by hand:

    .venv/bin/python -m bench.signup_latency [--count 20] [--backend database]

gunicorn as production runs it (deploy/gunicorn.conf.py, SQLite in a file) with a
`db_worker` beside it, e-mail to a real SMTP server on 127.0.0.1 (tests/smtp.py, so
the dev requirements): up, every reply 5 s late, then stopped. Times each sign-up form
POST (new reader, new client address) and prints the median, p90 and max per state.
`--backend immediate` sends in the request instead, as before the queue.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import ROOT, free_port, manage, production_env, start_gunicorn, stop
from tests.ops.client import Client
from tests.smtp import SMTPServer

PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - the throwaway readers'


def sign_up(url, n):
    client = Client(url)
    token = client.fetch_csrf_token()
    form = {
        "csrfmiddlewaretoken": token,
        "email": f"reader{n}@example.com",
        "username": f"reader{n}",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    # A client address of its own: allauth allows 20 sign-ups a minute per address.
    headers = {"Accept": "text/html", "X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"}
    started = time.perf_counter()
    answer = client.post("/accounts/signup/", form=form, headers=headers)
    elapsed = time.perf_counter() - started
    return answer.status, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--backend", default="database", choices=["database", "immediate"])
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="gazette-signup-"))
    smtp = SMTPServer().start()
    env = production_env(
        workdir,
        free_port(),
        TASK_BACKEND=options.backend,
        EMAIL_URL=smtp.url,
        DJANGO_NUM_PROXIES=1,
        # What `make test` collects (make .make/static/staticfiles.json).
        STATIC_ROOT=os.environ.get("COLLECTED_STATIC_ROOT", ROOT / ".make" / "static"),
    )
    manage("migrate", "--noinput", env=env)
    worker = app = None
    url = f"http://{env['GUNICORN_BIND']}"
    n = 0
    try:
        if options.backend == "database":
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        app = start_gunicorn(env, workdir / "gunicorn.log")
        for state, prepare in (
            ("up", lambda: smtp.slow(0)),
            ("slow (every reply 5 s late)", lambda: smtp.slow(5)),
            ("down (port refuses)", smtp.stop),
        ):
            prepare()
            times, statuses = [], set()
            for _ in range(options.count):
                n += 1
                status, elapsed = sign_up(url, n)
                statuses.add(status)
                times.append(elapsed * 1000)
            times.sort()
            p90 = times[max(0, int(len(times) * 0.9) - 1)]
            print(
                f"{state:30} median {statistics.median(times):8.1f} ms  p90 {p90:8.1f} ms  "
                f"max {times[-1]:8.1f} ms  statuses {sorted(statuses)}",
                flush=True,
            )
    finally:
        for process in (app, worker):
            if process is not None:
                stop(process)
        smtp.stop()


if __name__ == "__main__":
    main()
