"""The admin's article change form with its JavaScript (static/js/admin/article_editing.js):
the live preview, autosave offered back after the tab was closed, and two people on one
article (the presence notice, then the second save refused with its text kept). Without
JavaScript: tests/content/test_admin_editing.py and tests/content/test_revisions.py."""

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from content import services
from content.models import Article
from tests.browser.conftest import live_database
from tests.factories import ArticleFactory, StaffFactory

pytestmark = live_database


def change_url(article):
    return reverse("admin:content_article_change", args=[article.pk])


def open_form(page, article):
    # The admin names no icon, so the browser asks for /favicon.ico, which the site does
    # not serve: a 404 in the console that is no error of this page.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(change_url(article))


def watch_errors(page, errors):
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))


def test_the_preview_follows_the_typing_and_the_autosave_comes_back_after_closing(
    page, context, sign_in, monkeypatch
):
    monkeypatch.setattr(services, "AUTOSAVE_INTERVAL", timedelta(seconds=0.5))
    author = StaffFactory(username="ana", role="Authors")
    article = ArticleFactory(author=author, draft=True, body="The saved body")
    sign_in(author)
    open_form(page, article)
    expect(page.locator("[data-body-preview]")).to_contain_text("The saved body")

    typed = "## Fresh\n\nWet **ink** <script>document.title = 'owned'</script>"
    with page.expect_response(
        lambda r: r.url.endswith("/autosave/") and r.request.method == "PUT"
    ) as autosaved:
        page.locator("#id_body").fill(typed)
        preview = page.locator("[data-body-preview]")
        expect(preview.locator("h2")).to_have_text("Fresh")
        expect(preview.locator("strong")).to_have_text("ink")
        expect(preview.locator("script")).to_have_count(0)
    assert autosaved.value.ok
    page.close()

    errors = []
    reopened = context.new_page()
    watch_errors(reopened, errors)
    open_form(reopened, article)
    notice = reopened.locator("[data-autosave-notice]")
    expect(notice).to_contain_text("Unsaved changes from")
    notice.get_by_role("link", name="Restore").click()

    expect(reopened.locator("#id_body")).to_have_value(typed)
    expect(notice).to_have_count(0)
    expect(reopened.locator("[data-body-preview] strong")).to_have_text("ink")
    assert reopened.title() != "owned"
    assert Article.objects.get(pk=article.pk).body == "The saved body"
    assert not errors, errors


def test_two_staff_on_one_article_see_each_other_and_the_second_save_keeps_its_text(
    page, sign_in, browser, browser_context_args, monkeypatch
):
    # Beats every second here, so that the first one in hears of the second at once.
    monkeypatch.setattr(services, "PRESENCE_INTERVAL", timedelta(seconds=1))
    author = StaffFactory(username="ana", display_name="Ana Lopez", role="Authors")
    editor = StaffFactory(username="ed", display_name="Ed Marsh", role="Editors")
    article = ArticleFactory(author=author, draft=True, title="Ferry", body="Calm sea.")
    sign_in(author)
    open_form(page, article)
    expect(page.locator("[data-presence]")).to_be_hidden()

    editors_browser = browser.new_context(**browser_context_args)
    client = Client()
    client.force_login(editor)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    editors_browser.add_cookies(
        [{"name": session.key, "value": session.value, "url": browser_context_args["base_url"]}]
    )
    errors = []
    editors_page = editors_browser.new_page()
    watch_errors(editors_page, errors)
    open_form(editors_page, article)

    # Each is told of the other: a notice, not a lock.
    expect(editors_page.locator("[data-presence]")).to_have_text(
        "Ana Lopez has this article open too."
    )
    expect(page.locator("[data-presence]")).to_have_text("Ed Marsh has this article open too.")

    editors_page.fill("#id_body", "Rough sea.")
    editors_page.click("input[name=_save]")
    expect(editors_page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("[data-presence]")).to_be_hidden()  # leaving the form says so at once

    page.fill("#id_body", "Fog, all night.")
    page.click("input[name=_save]")
    notice = page.locator(".gazette-edit-conflict")
    expect(notice).to_contain_text("Saved by Ed Marsh")
    expect(notice.locator(".gazette-line-added")).to_contain_text("Rough sea.")
    expect(page.locator("#id_body")).to_have_value("Fog, all night.")
    assert Article.objects.get(pk=article.pk).body == "Rough sea."

    page.click("input[name=_save]")  # knowingly, over the editor's revision
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).body == "Fog, all night."
    editors_browser.close()
    assert not errors, errors
