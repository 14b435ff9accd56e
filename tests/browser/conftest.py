"""Browser tests: Playwright (pytest-playwright) driving Debian's Chromium against
pytest-django's live server, a thread of this test process serving the test database.

Each flow runs twice: with JavaScript (no navigation, the database changed) and without
it (`@without_javascript`: the same outcome through the plain forms and links). Every
page a test opens fails it on an uncaught exception, and on a console error unless the
test has requests fail on purpose (`@pytest.mark.failed_requests`: refused by the server
or cut off, which the console reports).
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread, so Django would refuse the
# test's own database calls as "async"; they are plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# One name for the site, so the session cookie set for it is the one the browser sends.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]

without_javascript = pytest.mark.browser_context_args(java_script_enabled=False)
# The live server reads what the test writes, so each test commits, and the tables are
# emptied after it (the roles and permissions come back through post_migrate).
live_database = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: `make test-tools` installs it (or set CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture
def page(page, request):
    """A tab on the live site that fails the test on an uncaught exception, and on a
    console error unless the test makes requests fail on purpose."""
    console, uncaught = [], []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.on("pageerror", lambda error: uncaught.append(f"uncaught: {error}"))
    yield page
    errors = uncaught + ([] if request.node.get_closest_marker("failed_requests") else console)
    if errors:
        pytest.fail("errors in the browser:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def sign_in(context, live_server):
    """`sign_in(user)`: the browser gets a session for `user`, as after the sign-in page."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return signed_in


@contextmanager
def same_document(page):
    """Asserts that what happens inside leaves the page loaded (no reload, no navigation
    away): a mark set on the window before is still there after."""
    page.evaluate("() => { window.gazetteStillHere = true; }")
    yield
    assert page.evaluate("() => window.gazetteStillHere === true"), "the page was reloaded"


def wait_until(condition, page, message="the condition never held"):
    """Polls `condition` (a database check) while the browser works; up to 5 s."""
    for _ in range(50):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(message)
