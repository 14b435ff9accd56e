"""Likes and bookmarks in the browser: in place and optimistic with JavaScript, rolled
back when the API fails, and the same through the plain forms without it."""

import re

import pytest
from playwright.sync_api import expect

from content.models import Bookmark, Like
from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import ArticleFactory, LikeFactory

pytestmark = live_database


@pytest.fixture
def article(other_reader):
    article = ArticleFactory()
    LikeFactory(article=article, user=other_reader)
    return article


def reactions(page):
    return page.locator("#reactions")


def test_liking_and_unliking_with_javascript_stays_on_the_page(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    like = reactions(page).get_by_role("button", name=re.compile("^Like"))

    with same_document(page):
        like.click()
        expect(like).to_have_attribute("aria-pressed", "true")
        expect(like).to_have_text("Liked")
        expect(reactions(page).locator(".reactions__count")).to_have_text("2 likes")
        wait_until(lambda: Like.objects.filter(user=reader, article=article).exists(), page)

        like.click()
        expect(like).to_have_attribute("aria-pressed", "false")
        expect(reactions(page).locator(".reactions__count")).to_have_text("1 like")
        wait_until(lambda: not Like.objects.filter(user=reader, article=article).exists(), page)

    # The plain form underneath asks for the state shown, should it ever be submitted.
    expect(reactions(page).locator('form[data-mark="like"] input[name=state]')).to_have_value("on")


def test_bookmarking_with_javascript_stays_on_the_page(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    bookmark = reactions(page).get_by_role("button", name="Bookmark")

    with same_document(page):
        bookmark.click()
        expect(bookmark).to_have_attribute("aria-pressed", "true")
        expect(bookmark).to_have_text("Bookmarked")
        wait_until(lambda: Bookmark.objects.filter(user=reader, article=article).exists(), page)


@pytest.mark.failed_requests
@pytest.mark.parametrize("failure", ["network", "server"])
def test_a_failed_like_is_rolled_back_and_said(page, sign_in, reader, article, failure):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    if failure == "network":
        page.route("**/like/", lambda route: route.abort())
    else:
        page.route("**/like/", lambda route: route.fulfill(status=503, json={"message": "down"}))
    like = reactions(page).get_by_role("button", name=re.compile("^Like"))

    like.click()

    expect(page.get_by_role("status").filter(has_text="is not saved")).to_have_count(1)
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_have_text("Like")
    expect(reactions(page).locator(".reactions__count")).to_have_text("1 like")
    assert not Like.objects.filter(user=reader).exists()


@without_javascript
def test_liking_and_bookmarking_without_javascript_go_through_the_forms(
    page, sign_in, reader, article
):
    sign_in(reader)
    page.goto(article.get_absolute_url())

    reactions(page).get_by_role("button", name="Like").click()
    expect(page).to_have_url(re.compile("#reactions$"))
    reactions(page).get_by_role("button", name="Bookmark").click()

    expect(reactions(page).get_by_role("button", name="Liked")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(reactions(page).get_by_role("button", name="Bookmarked")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(reactions(page).locator(".reactions__count")).to_have_text("2 likes")
    assert Like.objects.filter(user=reader, article=article).exists()
    assert Bookmark.objects.filter(user=reader, article=article).exists()


@pytest.mark.parametrize(
    "javascript", [True, pytest.param(False, marks=without_javascript)], ids=["on", "off"]
)
def test_a_readers_marks_are_shown_as_the_server_knows_them(
    page, sign_in, reader, article, javascript
):
    """Personal state comes with the page (never from a shared cache), so it is right
    before and without any script."""
    LikeFactory(article=article, user=reader)
    sign_in(reader)
    page.goto(article.get_absolute_url())

    expect(reactions(page).get_by_role("button", name="Liked")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(reactions(page).get_by_role("button", name="Bookmark")).to_have_attribute(
        "aria-pressed", "false"
    )
