"""Article lists in the browser: "Load more" appends the next page from the API and moves
the address to it; reload, back and the plain links land on the same articles."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import live_database, same_document, without_javascript
from tests.factories import ArticleFactory, BookmarkFactory, TagFactory, UserFactory

pytestmark = live_database


@pytest.fixture
def tag():
    return TagFactory(name="Harbours")


@pytest.fixture
def writer():
    return UserFactory(username="writer", display_name="Wren Writer")


@pytest.fixture
def articles(tag, writer):
    """45 articles, newest first: "Article 1" is the newest."""
    now = timezone.now()
    return [
        ArticleFactory(
            title=f"Article {n}",
            author=writer,
            tags=[tag],
            published_at=now - timedelta(hours=n),
        )
        for n in range(1, 46)
    ]


def titles(page):
    return page.locator(".article-list .article-card__title a")


def card(page, title):
    """A card's text and its elements (tag, class, hook, link), to compare how the
    server and the JavaScript render the same article."""
    return page.locator(".article-card", has_text=title).evaluate(
        """card => [card.innerText, [...card.querySelectorAll("*")].map(element =>
            [element.tagName, element.className, element.dataset.field || "",
             element.getAttribute("href") || "", element.getAttribute("datetime") || ""])]"""
    )


LISTS = {
    "list": "/articles/",
    "tag": "/tags/harbours/",
    "author": "/authors/writer/",
}


@pytest.mark.parametrize("kind", list(LISTS))
def test_load_more_appends_the_next_pages_and_moves_the_address(page, articles, kind):
    page.goto(LISTS[kind])
    expect(titles(page)).to_have_count(20)

    with same_document(page):
        page.get_by_role("button", name="Load more articles").click()
        expect(titles(page)).to_have_count(40)
        expect(page).to_have_url(re.compile(rf"{LISTS[kind]}\?page=2$"))
        expect(titles(page).nth(20)).to_be_focused()
        expect(titles(page).nth(20)).to_have_text("Article 21")
        expect(page.locator("[data-announcer]")).to_have_text("20 more articles loaded.")
        expect(page.locator(".pagination__status")).to_have_text("Page 2 of 3")

        page.get_by_role("button", name="Load more articles").click()
        expect(titles(page)).to_have_count(45)
        expect(page).to_have_url(re.compile(rf"{LISTS[kind]}\?page=3$"))
        expect(page.get_by_role("button", name="Load more articles")).to_have_count(0)

    assert titles(page).all_inner_texts() == [f"Article {n}" for n in range(1, 46)]
    from_the_api = card(page, "Article 41")

    page.go_back()
    expect(page).to_have_url(re.compile(rf"{LISTS[kind]}\?page=2$"))
    expect(titles(page)).to_have_count(45)
    page.go_forward()
    expect(page).to_have_url(re.compile(rf"{LISTS[kind]}\?page=3$"))

    page.reload()
    expect(titles(page)).to_have_text([f"Article {n}" for n in range(41, 46)])
    assert card(page, "Article 41") == from_the_api


def test_home_loads_the_second_page_of_the_list(page, articles, live_server):
    page.goto("/")

    with same_document(page):
        page.get_by_role("button", name="Load more articles").click()
        expect(titles(page)).to_have_count(40)
    expect(page).to_have_url(re.compile(r"/articles/\?page=2$"))

    page.reload()
    expect(titles(page)).to_have_text([f"Article {n}" for n in range(21, 41)])
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/")


def test_load_more_from_a_later_page_continues_after_it(page, articles):
    page.goto("/articles/?page=2")

    page.get_by_role("button", name="Load more articles").click()

    expect(titles(page)).to_have_text([f"Article {n}" for n in range(21, 46)])
    expect(page).to_have_url(re.compile(r"/articles/\?page=3$"))


def test_load_more_on_the_bookmarks_page(page, sign_in, reader, articles):
    for article in articles[:25]:
        BookmarkFactory(user=reader, article=article)
    sign_in(reader)
    page.goto("/bookmarks/")

    page.get_by_role("button", name="Load more articles").click()

    # Last bookmarked first.
    expect(titles(page)).to_have_text([f"Article {n}" for n in range(25, 0, -1)])
    expect(page).to_have_url(re.compile(r"/bookmarks/\?page=2$"))
    expect(page.get_by_role("button", name="Load more articles")).to_have_count(0)


@without_javascript
def test_without_javascript_the_next_page_link_is_followed(page, articles):
    page.goto("/articles/")

    page.get_by_role("link", name="Next page").click()

    expect(page).to_have_url(re.compile(r"/articles/\?page=2$"))
    expect(titles(page)).to_have_text([f"Article {n}" for n in range(21, 41)])
    expect(page.get_by_role("button", name="Load more articles")).to_have_count(0)
