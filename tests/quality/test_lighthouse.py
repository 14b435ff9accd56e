"""Lighthouse, on its default mobile settings, scores the home and article pages at
least 95 in every category. The scores are printed at the end of the run; the full
reports (HTML and JSON) are left in the live site's temporary folder."""

import json
import subprocess

import pytest

from tests.quality.tools import CHROMIUM, CHROMIUM_ARGS, LIGHTHOUSE_CLI, require

LIGHTHOUSE_PAGES = ["home", "detail"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MIN_SCORE = 95
RUN_SECONDS = 180
# Lighthouse 12.8 with Chromium 156 failed 1 run in 10 with NO_NAVSTART when measured.
ATTEMPTS = 3


@pytest.fixture(scope="module")
def lighthouse_report(live_site, lighthouse_scores):
    """Lighthouse's report for a page, run once on first use (a failed run too: every
    category of the page then fails with its message)."""
    node, cli, chromium = require("node", LIGHTHOUSE_CLI, CHROMIUM)
    reports, failures = {}, {}

    def report(page):
        if page not in reports and page not in failures:
            try:
                reports[page], retried_after = _run_lighthouse(node, cli, chromium, live_site, page)
            except LighthouseFailed as error:
                failures[page] = str(error)
            else:
                lighthouse_scores[page] = {
                    "scores": {name: _score(reports[page], name) for name in CATEGORIES},
                    "report": live_site.workdir / f"lighthouse-{page}.report.html",
                    "retried_after": retried_after,
                }
        if page in failures:
            pytest.fail(failures[page], pytrace=False)
        return reports[page]

    return report


class LighthouseFailed(Exception):
    pass


def _run_lighthouse(node, cli, chromium, live_site, page):
    """The report, and the failures of the runs before it. Lighthouse now and then fails
    to record a page load (NO_NAVSTART, NO_FCP), so a failed run is tried again; a low
    score never is."""
    output = live_site.workdir / f"lighthouse-{page}"
    failures = []
    for _attempt in range(ATTEMPTS):
        result = subprocess.run(  # noqa: S603 - fixed tool and arguments
            [
                node,
                cli,
                live_site.page_url(page),
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                "--output=html",
                f"--output-path={output}",
                f"--chrome-path={chromium}",
                f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_ARGS])}",
                "--no-enable-error-reporting",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=RUN_SECONDS,
            check=False,
        )
        if result.returncode == 0:
            lhr = json.loads(output.with_name(f"{output.name}.report.json").read_text())
            return lhr, failures
        failures.append(f"{result.stdout}{result.stderr}".strip())
    raise LighthouseFailed(f"Lighthouse failed on {live_site.paths[page]}:\n" + "\n".join(failures))


def _score(lhr, category):
    score = lhr["categories"][category]["score"]
    return None if score is None else round(score * 100)


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("page", LIGHTHOUSE_PAGES)
def test_lighthouse_score_is_at_least_95(page, category, live_site, lighthouse_report):
    lhr = lighthouse_report(page)
    score = _score(lhr, category)
    if score is None or score < MIN_SCORE:
        pytest.fail(
            f"Lighthouse {category} of {live_site.paths[page]}: {score}, below {MIN_SCORE}. "
            "Audits that lost points:\n" + _failed_audits(lhr, category),
            pytrace=False,
        )


def _failed_audits(lhr, category):
    lines = []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = lhr["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"  {audit['id']}: {audit['title']}{value}, score {audit['score']}")
    return "\n".join(lines) or "  (none with weight; see the report)"


@pytest.mark.parametrize("page", LIGHTHOUSE_PAGES)
def test_lighthouse_sees_no_layout_shift(page, live_site, lighthouse_report):
    """Covers and everything else keep their place as the page loads (CLS 0)."""
    shift = lighthouse_report(page)["audits"]["cumulative-layout-shift"]["numericValue"]
    assert shift == 0, f"{live_site.paths[page]}: cumulative layout shift {shift}"
