"""The browser tests' fixtures (tests/browser/conftest.py), for the XSS test in Chromium."""

from tests.browser.conftest import (  # noqa: F401 - fixtures, found by name
    browser_context_args,
    browser_type_launch_args,
    page,
    sign_in,
)
