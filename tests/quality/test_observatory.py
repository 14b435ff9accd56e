"""The MDN HTTP Observatory scans the live site and passes every test that plain http
allows: the Content-Security-Policy without unsafe sources, cookies (all but their Secure
flag), X-Frame-Options, X-Content-Type-Options, Referrer-Policy, CORS, subresource
integrity and Cross-Origin-Resource-Policy. The score and grade are printed at the end.

It scans the home page, the sign-in page (which sets the CSRF cookie) and the API (where
CORS applies). Excluded, because they need TLS, which the live site on 127.0.0.1 has not:
- strict-transport-security: browsers take HSTS only from an https response, and the
  scanner looks for it there; tests/security/test_headers.py checks the header on https.
- redirection: asks whether http redirects to https on the same host; production does
  (SECURE_SSL_REDIRECT), which tests/security/ checks, but here there is no https to go to.
The cookies test fails over plain http for the one reason that cookies only get their
Secure flag with an https SITE_URL (tests/security/ checks that they do); any other
finding about cookies (HttpOnly, SameSite) fails it here.
"""

import json
import subprocess

import pytest

from tests.quality.tools import observatory_scanner, require

SCAN_SECONDS = 60
TARGETS = {"home": "/", "sign-in": "/accounts/login/", "api": "/api/v1/articles/"}
NEEDS_TLS = {"strict-transport-security", "redirection"}
OBSERVATORY_TESTS = [
    "content-security-policy",
    "cookies",
    "cross-origin-resource-policy",
    "cross-origin-resource-sharing",
    "redirection",
    "referrer-policy",
    "strict-transport-security",
    "subresource-integrity",
    "x-content-type-options",
    "x-frame-options",
]
CHECKED = [name for name in OBSERVATORY_TESTS if name not in NEEDS_TLS]
# A passing CSP test also allows 'unsafe-inline' in style-src; ours allows no unsafe source.
CSP_WITHOUT_UNSAFE_SOURCES = {
    "csp-implemented-with-no-unsafe-default-src-none",
    "csp-implemented-with-no-unsafe",
}
COOKIES_ONLY_WITHOUT_SECURE = "cookies-without-secure-flag"


@pytest.fixture(scope="module")
def observatory(live_site, observatory_results):
    """The Observatory's findings for a target, scanned once on first use."""
    node, scan = require("node")[0], observatory_scanner()
    host = live_site.url.removeprefix("http://")

    def findings(target):
        if target not in observatory_results:
            result = subprocess.run(  # noqa: S603 - fixed tool and arguments
                [node, scan, host + TARGETS[target]],
                capture_output=True,
                text=True,
                timeout=SCAN_SECONDS,
                check=False,
            )
            report = json.loads(result.stdout or "{}")
            if result.returncode or "error" in report:
                pytest.fail(
                    f"the Observatory could not scan {TARGETS[target]}:\n"
                    f"{result.stdout}{result.stderr}",
                    pytrace=False,
                )
            observatory_results[target] = report
        return observatory_results[target]

    return findings


@pytest.mark.parametrize("target", TARGETS)
def test_the_observatory_runs_the_tests_this_file_knows(target, observatory):
    # A new scanner test must be placed here, in CHECKED or NEEDS_TLS.
    assert sorted(observatory(target)["tests"]) == OBSERVATORY_TESTS


@pytest.mark.parametrize("test_name", CHECKED)
@pytest.mark.parametrize("target", TARGETS)
def test_the_observatory_test_passes(target, test_name, observatory):
    finding = observatory(target)["tests"][test_name]
    result = finding["result"]

    if test_name == "cookies" and result == COOKIES_ONLY_WITHOUT_SECURE:
        assert all(
            cookie["httponly"] and cookie["samesite"] == "lax"
            for cookie in finding["data"].values()
        ), finding["data"]
        return
    assert finding["pass"], f"{TARGETS[target]}: {test_name}: {result}"
    if test_name == "content-security-policy":
        assert result in CSP_WITHOUT_UNSAFE_SOURCES, result
