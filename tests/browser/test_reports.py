"""Reporting a comment in the browser, through the report page, with JavaScript on (the
comments' script leaves the link alone) and off."""

import re

import pytest
from playwright.sync_api import expect

from content.models import CommentReport
from tests.browser.conftest import live_database, without_javascript
from tests.factories import CommentFactory

pytestmark = live_database


@pytest.fixture
def comment():
    return CommentFactory(body="Cheap pills, click here")


@pytest.mark.parametrize(
    "reason",
    [
        pytest.param("Abusive or harassing", id="javascript"),
        pytest.param("Spam or advertising", marks=without_javascript, id="no-javascript"),
    ],
)
def test_reporting_goes_through_the_report_page_and_back_to_the_comment(
    page, sign_in, reader, comment, reason
):
    sign_in(reader)
    page.goto(comment.article.get_absolute_url())

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
    page.get_by_label(reason).check()
    page.get_by_role("button", name="Report comment").click()

    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_have_text("Thanks, a moderator will look at it.")
    assert CommentReport.objects.get().get_reason_display() == reason
