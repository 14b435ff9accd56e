"""Every page is valid HTML: the Nu HTML checker (vnu) reports no error.

The pages are fetched from the live site and checked as files, all in one run of the
checker (one Java start-up for the lot).
"""

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.quality.conftest import PAGES
from tests.quality.tools import VNU_JAR, require


@pytest.fixture(scope="module")
def vnu_messages(live_site):
    """Per page: the HTTP status and the checker's messages about the page."""
    java, jar = require("java", VNU_JAR)
    statuses, files = {}, {}
    for page in PAGES:
        statuses[page], html = _fetch(live_site.page_url(page))
        files[page] = live_site.workdir / f"{page}.html"
        files[page].write_bytes(html)
    result = subprocess.run(  # noqa: S603 - fixed tool, our own files
        [java, "-jar", jar, "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"vnu failed:\n{result.stdout}{result.stderr}", pytrace=False)
    page_by_file = {path.resolve(): page for page, path in files.items()}
    messages = {page: [] for page in PAGES}
    for message in json.loads(result.stdout)["messages"]:
        file = Path(message["url"].removeprefix("file:")).resolve()
        messages[page_by_file[file]].append(message)
    return {page: (statuses[page], messages[page]) for page in PAGES}


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _describe(message):
    where = f"line {message.get('lastLine', '?')}"
    extract = message.get("extract", "").strip().replace("\n", " ")
    return f"  {where}: {message['message']}\n    {extract}"


@pytest.mark.parametrize("page", PAGES)
def test_page_is_valid_html(page, live_site, vnu_messages):
    status, messages = vnu_messages[page]
    if status != 200:
        pytest.fail(f"GET {live_site.paths[page]} answered {status}", pytrace=False)
    if errors := [message for message in messages if message["type"] != "info"]:
        pytest.fail(
            f"vnu, {live_site.paths[page]}: errors: {len(errors)}\n"
            + "\n".join(_describe(message) for message in errors),
            pytrace=False,
        )
