"""The quality gates' live site: gunicorn serving demo content, as production would.

Started once per session: debug off, a throwaway secret key, a fresh SQLite database
filled by `seed_demo`, static files collected into whitenoise's compressed manifest
storage. The pages checked are found in that database: a published article, one of
its tags, its author and a word of its title.
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
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.quality.tools import ROOT

# The pages every gate checks, by the name a failing test carries.
PAGES = ["home", "list", "detail", "tag", "author", "search"]

SERVER_START_SECONDS = 30
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

# Per page: Lighthouse's score by category and its HTML report, for the summary.
LIGHTHOUSE_SCORES = pytest.StashKey[dict]()

# Printed by `manage.py shell`: the seeded objects the page URLs are made of.
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


@dataclass(frozen=True)
class LiveSite:
    url: str
    paths: dict
    workdir: Path

    def page_url(self, page):
        return self.url + self.paths[page]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("live-site")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "SITE_URL": url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    # The single-machine default: local-memory cache, whatever the caller's shell says.
    env.pop("REDIS_URL", None)

    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        _manage(*command, env=env)
    found = json.loads(_manage("shell", "--no-imports", "-c", FIND_PAGE_OBJECTS, env=env))
    paths = {
        "home": "/",
        "list": "/articles/",
        "detail": f"/articles/{found['article']}/",
        "tag": f"/tags/{found['tag']}/",
        "author": f"/authors/{found['author']}/",
        "search": "/search/?" + urllib.parse.urlencode({"q": found["word"]}),
    }

    log_path = workdir / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - a fixed command
            GUNICORN,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(f"{url}/readyz", server, log_path)
        yield LiveSite(url=url, paths=paths, workdir=workdir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _manage(*args, env):
    result = subprocess.run(  # noqa: S603 - our own manage.py, arguments from this file
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}", pytrace=False)
    return result.stdout


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(url, server, log_path):
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log_path.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"gunicorn did not answer {url} within {SERVER_START_SECONDS} s:\n{log_path.read_text()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def lighthouse_scores(request):
    return request.config.stash.setdefault(LIGHTHOUSE_SCORES, {})


def pytest_terminal_summary(terminalreporter, config):
    results = config.stash.get(LIGHTHOUSE_SCORES, {})
    if not results:
        return
    categories = list(next(iter(results.values()))["scores"])
    terminalreporter.section("Lighthouse scores (mobile, simulated throttling)")
    terminalreporter.write_line(f"{'page':<8}" + "".join(f"{name:>16}" for name in categories))
    for page, result in results.items():
        scores = result["scores"]
        terminalreporter.write_line(
            f"{page:<8}" + "".join(f"{scores[name]!s:>16}" for name in categories)
        )
    for page, result in results.items():
        terminalreporter.write_line(f"{page} report: {result['report']}")
        for failure in result["retried_after"]:
            terminalreporter.write_line(f"{page}: run again after a failed run: {failure}")
