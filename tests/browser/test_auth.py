"""Signing in, up and out in the browser: through the REST auth API in a dialog with
JavaScript, after which the page's personal parts change in place; through the account
pages without it."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from content.models import Session, User
from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import ArticleFactory, CommentFactory, LikeFactory, UserFactory

pytestmark = live_database

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def member():
    user = UserFactory(username="member", display_name="Mina Member")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def article(member):
    article = ArticleFactory(title="Harbour lights")
    LikeFactory(article=article, user=member)
    return article


def header(page):
    return page.get_by_role("navigation", name="Site")


def signed_in_sessions(user):
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_signing_in_in_the_dialog_makes_the_page_personal_without_a_reload(page, member, article):
    mine = CommentFactory(article=article, author=member, body="Mine")
    page.goto(article.get_absolute_url())
    expect(page.locator(f"#comment-{mine.pk}").get_by_role("link")).to_have_text(["Reply"])

    with same_document(page):
        page.locator(".comments").get_by_role("link", name="Sign in").click()
        dialog = page.get_by_role("dialog", name="Sign in")
        expect(dialog).to_be_visible()
        dialog.get_by_role("textbox", name="Username or e-mail").fill("member@example.com")
        dialog.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        dialog.get_by_role("button", name="Sign in").click()

        expect(dialog).to_be_hidden()
        expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
        expect(header(page).get_by_role("link", name="Bookmarks")).to_be_visible()
        expect(page.get_by_role("button", name="Liked")).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_role("button", name="Bookmark")).to_have_attribute(
            "aria-pressed", "false"
        )
        expect(page.get_by_role("textbox", name="Your comment")).to_be_focused()
        expect(page.locator(f"#comment-{mine.pk}").get_by_role("link", name="Edit")).to_be_visible()
        expect(page.locator("[data-announcer]")).to_have_text("Signed in as Mina Member.")

        # The new session and its CSRF token work for writing at once.
        page.get_by_role("textbox", name="Your comment").fill("Signed in and writing")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comment", has_text="Signed in and writing")).to_have_count(1)

    assert len(signed_in_sessions(member)) == 1
    assert article.comments.filter(author=member, body="Signed in and writing").exists()


@pytest.mark.failed_requests
def test_a_refused_sign_in_says_why_in_the_dialog(page, member):
    page.goto("/")

    header(page).get_by_role("link", name="Sign in").click()
    dialog = page.get_by_role("dialog", name="Sign in")
    dialog.get_by_role("textbox", name="Username or e-mail").fill("member")
    dialog.get_by_role("textbox", name="Password", exact=True).fill("wrong")
    dialog.get_by_role("button", name="Sign in").click()

    expect(dialog.get_by_role("alert")).to_contain_text("Unable to log in")
    expect(dialog.get_by_role("textbox", name="Username or e-mail")).to_have_value("member")
    assert signed_in_sessions(member) == []


@without_javascript
def test_signing_in_without_javascript_goes_through_the_sign_in_page(page, member, article):
    page.goto(article.get_absolute_url())

    page.locator(".comments").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Login").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(f"{article.get_absolute_url()}$"))
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Liked")).to_have_attribute("aria-pressed", "true")
    assert len(signed_in_sessions(member)) == 1


def test_signing_up_in_the_dialog_asks_to_confirm_the_address(page):
    page.goto("/")

    with same_document(page):
        header(page).get_by_role("link", name="Sign up").click()
        dialog = page.get_by_role("dialog", name="Create an account")
        dialog.get_by_role("textbox", name="Username", exact=True).fill("newcomer")
        dialog.get_by_role("textbox", name="E-mail").fill("newcomer@example.com")
        dialog.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        dialog.get_by_role("textbox", name="Password again").fill(PASSWORD)
        dialog.get_by_role("button", name="Sign up").click()

        expect(page.get_by_role("dialog", name="Check your e-mail")).to_be_visible()

    assert User.objects.filter(username="newcomer", email="newcomer@example.com").exists()
    assert "newcomer@example.com" in mail.outbox[-1].to


@pytest.mark.failed_requests
def test_sign_up_errors_are_shown_by_their_fields(page, member):
    page.goto("/")

    header(page).get_by_role("link", name="Sign up").click()
    dialog = page.get_by_role("dialog", name="Create an account")
    dialog.get_by_role("textbox", name="Username", exact=True).fill("member")
    dialog.get_by_role("textbox", name="E-mail").fill("someone@example.com")
    dialog.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("textbox", name="Password again").fill("something else entirely")
    dialog.get_by_role("button", name="Sign up").click()

    expect(dialog.get_by_role("textbox", name="Username", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(dialog.locator('[data-errors-for="username"]')).to_contain_text("already")
    assert not User.objects.filter(email="someone@example.com").exists()


@without_javascript
def test_signing_up_without_javascript_goes_through_the_sign_up_page(page):
    page.goto("/")

    header(page).get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    form = page.get_by_role("main")
    form.get_by_label("Username").fill("newcomer")
    form.get_by_label("Email").fill("newcomer@example.com")
    form.get_by_label("Password:", exact=True).fill(PASSWORD)
    form.get_by_label("Password (again)").fill(PASSWORD)
    form.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert User.objects.filter(username="newcomer").exists()


def test_signing_out_makes_the_page_anonymous_without_a_reload(page, sign_in, member, article):
    sign_in(member)
    page.goto(article.get_absolute_url())

    with same_document(page):
        header(page).get_by_role("button", name="Sign out").click()
        expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
        expect(page.get_by_role("button", name="Liked")).to_have_count(0)
        expect(page.get_by_role("textbox", name="Your comment")).to_have_count(0)
        expect(page.locator(".reactions").get_by_role("link", name="Sign in")).to_be_visible()
        wait_until(lambda: not signed_in_sessions(member), page, "the session is still there")

    # And back in again, in the same page.
    header(page).get_by_role("link", name="Sign in").click()
    dialog = page.get_by_role("dialog", name="Sign in")
    dialog.get_by_role("textbox", name="Username or e-mail").fill("member")
    dialog.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Liked")).to_have_attribute("aria-pressed", "true")


def test_signing_out_on_a_page_only_for_members_goes_home(page, sign_in, member, live_server):
    sign_in(member)
    page.goto("/bookmarks/")

    header(page).get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()


@without_javascript
def test_signing_out_without_javascript_posts_the_form(page, sign_in, member, article):
    sign_in(member)
    page.goto(article.get_absolute_url())

    header(page).get_by_role("button", name="Sign out").click()

    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert signed_in_sessions(member) == []
