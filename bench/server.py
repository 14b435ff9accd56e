"""Gazette as production runs it, started for a measurement or a check.

Shared by `make bench` (bench/) and the quality gates (tests/quality/): gunicorn with
deploy/gunicorn.conf.py, debug off, a throwaway secret key, console e-mail, static files
collected into whitenoise's compressed manifest storage under a work folder.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_SECONDS = 30
# A SQLite site's database, in its work folder (production_env).
SQLITE_FILE = "db.sqlite3"
# The production configuration, without a control socket: the default one, in $HOME,
# would be taken from a `make serve` running alongside.
GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "-c",
    "deploy/gunicorn.conf.py",
    "--no-control-socket",
]


class ServerError(RuntimeError):
    """A command or server failed; the message carries its output."""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(workdir, port, **overrides):
    """The environment of a production-like Gazette on 127.0.0.1:`port`, files under
    `workdir`, SQLite (and its cache folder) unless `overrides` say otherwise."""
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": f"sqlite:///{Path(workdir) / SQLITE_FILE}",
        "STATIC_ROOT": str(Path(workdir) / "static"),
        # Plain http on 127.0.0.1, no TLS proxy: no redirect to https, and (with an http
        # SITE_URL) cookies without the Secure flag, so sign-in works there.
        "SITE_URL": url,
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # The web tier alone: no worker runs beside it, so what it enqueues (console
        # e-mail) runs in the request. tests/ops/test_task_queue.py runs the production
        # path, the database queue with a `db_worker` beside gunicorn.
        "TASK_BACKEND": "immediate",
    }
    # The single-machine default, without Redis, whatever the caller's shell says.
    env.pop("REDIS_URL", None)
    env.update({name: str(value) for name, value in overrides.items()})
    return env


def manage(*args, env):
    """Run `manage.py` with `args`; return its output, raise ServerError on failure."""
    result = subprocess.run(  # noqa: S603 - our own manage.py, arguments from our code
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise ServerError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def start_gunicorn(env, log_path):
    """Start gunicorn with `env`, logging to `log_path`; return the process once
    /readyz answers 200. Raise ServerError (with the log) when it does not."""
    url = f"http://{env['GUNICORN_BIND']}/readyz"
    with Path(log_path).open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - a fixed command
            GUNICORN,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(url, server, Path(log_path))
    except BaseException:
        stop(server)
        raise
    return server


def stop(process, timeout=20):
    """Stop a server process gracefully, or kill it after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(url, server, log_path):
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(f"gunicorn exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our server
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or a worker still importing the project (a timeout)
        time.sleep(0.2)
    raise ServerError(
        f"gunicorn did not answer {url} within {SERVER_START_SECONDS} s:\n{log_path.read_text()}"
    )


# Printed by `manage.py shell`: the seeded objects the page URLs are made of. The article
# is the newest published one with tags (and so, in demo content, with comments).
FIND_PAGE_OBJECTS = """
import json
from content.models import Article
article = (
    Article.objects.published().filter(tags__isnull=False).with_author_and_tags()
    .newest_first().first()
)
print(json.dumps({
    "article": article.slug,
    "tag": article.tags.all()[0].slug,
    "author": article.author.username,
    "word": max(article.title.split(), key=len).strip(".,:;!?'\\"").lower(),
}))
"""


def page_paths(env):
    """The paths of the site's main pages in the seeded database of `env`, by name:
    home, list, detail, tag, author, search; and `article`, the slug they are made of."""
    found = json.loads(manage("shell", "--no-imports", "-c", FIND_PAGE_OBJECTS, env=env))
    return {
        "home": "/",
        "list": "/articles/",
        "detail": f"/articles/{found['article']}/",
        "tag": f"/tags/{found['tag']}/",
        "author": f"/authors/{found['author']}/",
        "search": "/search/?" + urllib.parse.urlencode({"q": found["word"]}),
        "article": found["article"],
    }
