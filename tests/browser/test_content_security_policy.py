"""The site works under its real Content-Security-Policy: pages, the sign-in dialog,
live search, the admin, the browsable API and Swagger UI run without one violation.

Each tab records `securitypolicyviolation` events from the start of every document (an
init script, which the policy does not govern) and the console's CSP messages; the
`page` fixture also fails the test on any console error.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from content.revisions import revisions_of
from tests.browser.conftest import live_database, same_document
from tests.factories import ArticleFactory, StaffFactory, TagFactory, UserFactory

pytestmark = live_database

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", event => {
    window.cspViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
        `at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
    );
});
"""


@pytest.fixture
def watched(page):
    """`page`, failing the test on any Content-Security-Policy violation it reports."""
    console = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and console.append(message.text),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    # The admin's and the browsable API's pages name no icon, so the browser asks for
    # /favicon.ico, which the site does not serve: a 404 in the console, not a policy matter.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    yield page
    assert not console, "\n".join(console)


def assert_no_violations(page):
    violations = page.evaluate("() => window.cspViolations")
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)


@pytest.fixture
def article():
    tag = TagFactory(name="Harbours")
    for number in range(3):
        ArticleFactory(title=f"Harbour notes {number}", tags=[tag])
    return ArticleFactory(title="Harbour lights", tags=[tag])


def test_reading_pages_run_their_scripts_without_violations(watched, article):
    for path in ["/", "/articles/", article.get_absolute_url(), "/tags/harbours/"]:
        response = watched.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert_no_violations(watched)


def test_live_search_runs_without_violations(watched, article):
    watched.goto("/search/")
    with same_document(watched):
        watched.locator("#search-q").fill("lights")
        expect(watched).to_have_url(re.compile(r"/search/\?q=lights$"))

    expect(watched.get_by_role("link", name="Harbour lights")).to_be_visible()
    assert_no_violations(watched)


def test_signing_in_through_the_dialog_runs_without_violations(watched, article):
    member = UserFactory(username="member")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    watched.goto(article.get_absolute_url())

    with same_document(watched):
        watched.locator(".comments").get_by_role("link", name="Sign in").click()
        dialog = watched.get_by_role("dialog", name="Sign in")
        dialog.get_by_role("textbox", name="Username or e-mail").fill("member")
        dialog.get_by_role("textbox", name="Password", exact=True).fill(
            "correct-horse-battery-staple"
        )
        dialog.get_by_role("button", name="Sign in").click()
        expect(watched.get_by_role("button", name="Sign out")).to_be_visible()

    assert_no_violations(watched)


def test_the_account_pages_run_without_violations(watched):
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        assert watched.goto(path).status == 200, path
        assert_no_violations(watched)


def test_the_admin_runs_without_violations(watched, sign_in, article):
    sign_in(StaffFactory(username="chief", is_superuser=True))
    record = revisions_of(article).get().history_id

    for path in [
        "/admin/",
        "/admin/content/article/",
        f"/admin/content/article/{article.pk}/change/",
        f"/admin/content/article/{article.pk}/history/",
        f"/admin/content/article/{article.pk}/history/compare/?from={record}&to={record}",
        "/admin/content/article/add/",
    ]:
        assert watched.goto(path).status == 200, path
        assert_no_violations(watched)
    # The admin's own scripts ran: the "Today" shortcut of its date widget is theirs.
    expect(watched.get_by_role("link", name="Today").first).to_be_visible()


def test_swagger_ui_renders_the_api_without_violations(watched):
    watched.goto(reverse("api:docs"))

    expect(watched.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(watched.get_by_text("Gazette API")).to_be_visible()
    assert_no_violations(watched)


def test_the_browsable_api_runs_without_violations(watched, article):
    watched.goto(reverse("api:article-list") + "?format=api")

    expect(watched.get_by_text("Harbour lights").first).to_be_visible()
    assert_no_violations(watched)


def test_an_injected_inline_script_is_refused_and_reported(context, article):
    # The check above can fail: script injected into a page is blocked and reported.
    tab = context.new_page()
    tab.add_init_script(RECORD_VIOLATIONS)
    tab.goto(article.get_absolute_url())

    ran = tab.evaluate(
        """() => {
            window.injectedRan = false;
            const script = document.createElement("script");
            script.textContent = "window.injectedRan = true;";
            document.body.append(script);
            return new Promise(resolve => setTimeout(() => resolve(window.injectedRan), 100));
        }"""
    )

    assert ran is False
    violations = tab.evaluate("() => window.cspViolations")
    assert any(v.startswith("script-src-elem refused inline") for v in violations), violations
    tab.close()
