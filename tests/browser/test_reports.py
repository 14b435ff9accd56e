"""Reporting a comment in the browser: in place in a dialog with JavaScript, through the
report page without it; the same report either way."""

import re

import pytest
from playwright.sync_api import expect

from content.models import CommentReport
from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import CommentFactory

pytestmark = live_database


@pytest.fixture
def comment():
    return CommentFactory(body="Cheap pills, click here")


def test_reporting_with_javascript_happens_in_place(page, sign_in, reader, comment):
    sign_in(reader)
    page.goto(comment.article.get_absolute_url())

    with same_document(page):
        page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
        dialog = page.get_by_role("dialog", name="Report this comment")
        dialog.get_by_label("Abusive or harassing").check()
        dialog.get_by_role("button", name="Report comment").click()
        expect(dialog).to_have_count(0)

    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Reported. Thanks")
    wait_until(lambda: CommentReport.objects.filter(reporter=reader).exists(), page)
    assert CommentReport.objects.get().reason == "abuse"


@without_javascript
def test_reporting_without_javascript_goes_through_the_report_page(page, sign_in, reader, comment):
    sign_in(reader)
    page.goto(comment.article.get_absolute_url())

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Report comment").click()

    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_have_text("Thanks, a moderator will look at it.")
    assert CommentReport.objects.get().reason == "spam"
