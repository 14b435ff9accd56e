"""The quality gates' live site: gunicorn serving demo content, as production would.

Started once per session: debug off, a throwaway secret key, a fresh SQLite database
filled by `seed_demo`, static files collected into whitenoise's compressed manifest
storage. The pages checked are found in that database: a published article, one of
its tags, its author and a word of its title.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bench.server import (
    ServerError,
    free_port,
    manage,
    page_paths,
    production_env,
    start_gunicorn,
    stop,
)
from tests.quality.tools import CHROMIUM, CHROMIUM_ARGS, require

# The pages every gate checks, by the name a failing test carries.
PAGES = ["home", "list", "detail", "tag", "author", "search"]

# Per page: Lighthouse's score by category and its HTML report, for the summary.
LIGHTHOUSE_SCORES = pytest.StashKey[dict]()
# Per page and viewport width: the bytes of the images it loads, for the summary.
IMAGE_BYTES = pytest.StashKey[dict]()
# Per target: the MDN HTTP Observatory's report (score, grade, tests), for the summary.
OBSERVATORY_RESULTS = pytest.StashKey[dict]()


@dataclass(frozen=True)
class LiveSite:
    url: str
    paths: dict
    workdir: Path

    def page_url(self, page):
        return self.url + self.paths[page]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory, static_root):
    workdir = tmp_path_factory.mktemp("live-site")
    port = free_port()
    env = production_env(
        workdir,
        port,
        WEB_CONCURRENCY=2,
        STATIC_ROOT=static_root,
        # The demo's covers, served by gunicorn (no nginx here).
        MEDIA_ROOT=str(workdir / "media"),
        SERVE_MEDIA="on",
    )
    try:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            manage(*command, env=env)
        paths = page_paths(env)
        server = start_gunicorn(env, workdir / "gunicorn.log")
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield LiveSite(url=env["SITE_URL"], paths=paths, workdir=workdir)
    finally:
        stop(server)


@pytest.fixture(scope="session")
def chromium():
    (executable,) = require(CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def image_bytes(request):
    return request.config.stash.setdefault(IMAGE_BYTES, {})


@pytest.fixture(scope="session")
def lighthouse_scores(request):
    return request.config.stash.setdefault(LIGHTHOUSE_SCORES, {})


@pytest.fixture(scope="session")
def observatory_results(request):
    return request.config.stash.setdefault(OBSERVATORY_RESULTS, {})


def pytest_terminal_summary(terminalreporter, config):
    _summarize_observatory(terminalreporter, config.stash.get(OBSERVATORY_RESULTS, {}))
    if images := config.stash.get(IMAGE_BYTES, {}):
        terminalreporter.section("Image bytes loaded (covers as renditions)")
        for (page, width), (total, count) in sorted(images.items()):
            terminalreporter.write_line(
                f"{page:<8} {width:>5} px wide: {total:>8,} bytes in {count} images"
            )
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


def _summarize_observatory(terminalreporter, reports):
    if not reports:
        return
    terminalreporter.section("MDN HTTP Observatory (plain http: no TLS tests)")
    for target, report in reports.items():
        scan = report["scan"]
        terminalreporter.write_line(
            f"{target:<8} score {scan['score']:>3}, grade {scan['grade']:<2}, "
            f"{scan['testsPassed']}/{scan['testsQuantity']} tests passed"
        )
        for name, test in sorted(report["tests"].items()):
            outcome = "pass" if test["pass"] else "FAIL"
            modifier = test.get("scoreModifier", 0)
            terminalreporter.write_line(
                f"    {outcome:<4} {name:<30} {modifier:>+4}  {test['result']}"
            )
