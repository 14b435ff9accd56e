"""The newsroom in the admin, two people at once: no save silently undoes another's."""

from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from content.models import Article
from tests.browser.conftest import live_database
from tests.factories import ArticleFactory, StaffFactory

pytestmark = live_database


def test_the_second_of_two_saves_from_one_revision_is_refused_with_the_text_kept(
    page, sign_in, browser, browser_context_args, live_server
):
    author = StaffFactory(username="writer", display_name="Wren Writer", role="Authors")
    editor = StaffFactory(username="desk", display_name="Dana Desk", role="Editors")
    article = ArticleFactory(author=author, draft=True, title="Ferry", body="Calm sea.")
    change_url = reverse("admin:content_article_change", args=[article.pk])

    # The admin names no icon: the browser's /favicon.ico would be a 404 in the console.
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    # The author in this context (the `page` fixture fails on console errors, which
    # include any Content-Security-Policy violation) ...
    sign_in(author)
    page.goto(change_url)
    # ... the editor in a second browser context, its console watched alike.
    client = Client()
    client.force_login(editor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    other_context = browser.new_context(**browser_context_args)
    other_context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    other_context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    other = other_context.new_page()
    console_errors = []
    other.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    other.goto(change_url)

    other.fill("#id_body", "Rough sea.")
    other.click("input[name=_save]")
    expect(other.locator(".messagelist")).to_contain_text("was changed successfully")

    page.fill("#id_body", "Fog, all night.")
    page.click("input[name=_save]")

    notice = page.locator(".gazette-edit-conflict")
    expect(notice).to_contain_text("Saved by Dana Desk")
    expect(notice.locator(".gazette-line-added")).to_contain_text("Rough sea.")
    expect(page.locator("#id_body")).to_have_value("Fog, all night.")
    assert Article.objects.get(pk=article.pk).body == "Rough sea."

    page.click("input[name=_save]")  # knowingly, over the editor's revision
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=article.pk).body == "Fog, all night."
    other_context.close()
    assert console_errors == []
