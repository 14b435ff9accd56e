"""Where the quality gates find their tools, and what happens when one is missing.

`make test-tools` installs them: Chromium, Java and Node.js with apt, the npm packages
of package-lock.json into node_modules/.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No sandbox (CI containers run as root), no GPU, and no calls to Google's services:
# the checks need no network beyond 127.0.0.1.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
OBSERVATORY = NODE_MODULES / "@mdn" / "mdn-http-observatory"
# The scanner itself, without bin/wrapper.js: the wrapper only adds a CA bundle for TLS
# that the install script would download, and these scans are plain http.
OBSERVATORY_SCAN = OBSERVATORY / "src" / "scan.js"
# What the Observatory's install script (off: `npm ci --ignore-scripts`) would download
# into its conf/: Chromium's HSTS preload list, read by its HSTS test (no local host is
# on it, so an empty map), and the list of top-level domains, read only by its web API's
# host name check (an empty list).
OBSERVATORY_DATA = {"hsts-preload.json": "{}\n", "tld-list.json": "[]\n"}


def require(*tools):
    """Return the paths of `tools` (file paths or command names); when one is missing,
    skip the test, or fail it under CI=true, where nothing may be skipped."""
    found = []
    for tool in tools:
        path = Path(tool) if os.sep in str(tool) else shutil.which(tool)
        if path is None or not Path(path).exists():
            message = f"{tool} is missing: `make test-tools` installs it"
            if os.environ.get("CI") == "true":
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        found.append(str(path))
    return found


def observatory_scanner():
    """The Observatory's scan script, with the data files it reads put in place."""
    (scan,) = require(OBSERVATORY_SCAN)
    for name, contents in OBSERVATORY_DATA.items():
        data_file = OBSERVATORY / "conf" / name
        if not data_file.exists():
            data_file.write_text(contents)
    return scan
