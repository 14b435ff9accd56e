"""Replying in the browser: in place with JavaScript (and others' replies arriving
through the poll into their thread), and through the reply page without it."""

import re

import pytest
from playwright.sync_api import expect

from content.models import Comment
from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import ArticleFactory, CommentFactory

pytestmark = live_database


@pytest.fixture
def roots():
    article = ArticleFactory(title="Harbour lights")
    return [
        CommentFactory(article=article, body="Who built the lighthouse?"),
        CommentFactory(article=article, body="When is it lit?"),
    ]


def replies_of(page, root):
    return page.locator(f'[data-thread="{root.pk}"] [data-replies] .comment__body')


def test_replying_with_javascript_puts_the_reply_in_its_thread(
    page, sign_in, reader, other_reader, roots
):
    first, second = roots
    sign_in(reader)
    page.clock.install()
    page.goto(first.article.get_absolute_url())

    with same_document(page):
        page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
        page.get_by_role("textbox", name="Your reply").fill("The harbour board.")
        page.get_by_role("button", name="Post reply").click()
        expect(replies_of(page, first)).to_have_text(["The harbour board."])

        reply = Comment.objects.get(author=reader)
        assert reply.parent == first
        expect(page.locator(f"#comment-{reply.pk}")).to_be_focused()
        expect(page.locator("form[data-comment-reply]")).to_have_count(0)

        # Someone else answers the other thread: the poll brings it there, not to the end.
        CommentFactory(article=first.article, author=other_reader, parent=second, body="At dusk.")
        page.clock.run_for(15_000)
        page.get_by_role("button", name="Show 1 new comment").click()
        expect(replies_of(page, second)).to_have_text(["At dusk."])
    expect(page.locator("#comments-title")).to_have_text("4 comments")


@without_javascript
def test_replying_without_javascript_goes_through_the_reply_page(page, sign_in, reader, roots):
    first, _ = roots
    sign_in(reader)
    page.goto(first.article.get_absolute_url())

    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
    expect(page).to_have_url(re.compile(f"/comments/{first.pk}/reply/$"))
    page.get_by_role("textbox", name="Your reply").fill("The harbour board.")
    page.get_by_role("button", name="Post reply").click()

    wait_until(lambda: Comment.objects.filter(author=reader).exists(), page)
    reply = Comment.objects.get(author=reader)
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))
    expect(replies_of(page, first)).to_have_text(["The harbour board."])
