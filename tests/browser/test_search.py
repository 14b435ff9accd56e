"""Search in the browser: results as you type (an older request cancelled), the address
following the query, and the form's own submit still searching on the server."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import ArticleFactory

pytestmark = live_database


@pytest.fixture
def articles():
    ArticleFactory(title="Lighthouses of the north")
    ArticleFactory(title="Lighthouse keepers")
    ArticleFactory(title="Tides and harbours")


def results(page):
    return page.locator(".article-list .article-card__title a")


def search_box(page):
    return page.get_by_role("searchbox", name="Search articles").last


def test_results_update_as_you_type_and_the_address_follows(page, articles):
    page.goto("/search/")

    with same_document(page):
        search_box(page).press_sequentially("tides")
        expect(results(page)).to_have_text(["Tides and harbours"])
        expect(page).to_have_url(re.compile(r"/search/\?q=tides$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Results for “tides”")
        expect(page.locator(".search-summary")).to_have_text("1 article found.")

        search_box(page).fill("lighthouse")
        expect(results(page)).to_have_count(2)
        expect(page).to_have_url(re.compile(r"/search/\?q=lighthouse$"))

        search_box(page).fill("zebra")
        expect(page.locator(".article-list .empty")).to_have_text(
            "No articles match. Try fewer or other words."
        )
        expect(results(page)).to_have_count(0)

        search_box(page).fill("")
        expect(page).to_have_url(re.compile(r"/search/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Search")

    search_box(page).fill("lighthouse")
    expect(results(page)).to_have_count(2)
    page.reload()
    expect(results(page)).to_have_count(2)
    expect(search_box(page)).to_have_value("lighthouse")


def test_a_newer_query_cancels_the_request_still_running(page, articles):
    page.goto("/search/")
    held, cancelled = [], []
    page.route("**/api/v1/articles/?search=tides", lambda route: held.append(route))
    page.on("requestfailed", lambda request: cancelled.append(request.url))

    search_box(page).fill("tides")
    wait_until(lambda: held, page, "the first search was never sent")
    search_box(page).fill("lighthouse")

    expect(results(page)).to_have_count(2)
    wait_until(lambda: cancelled, page, "the older request was not cancelled")
    assert cancelled[0].endswith("?search=tides")
    # Had it come back late, it could not have replaced the newer results.
    expect(results(page)).to_have_count(2)


def test_submitting_the_form_searches_on_the_server(page, articles):
    page.goto("/search/")

    search_box(page).fill("tides")
    search_box(page).press("Enter")

    page.wait_for_url(re.compile(r"/search/\?q=tides$"))
    expect(page.locator(".search-summary")).to_have_text("1 article found.")
    expect(results(page)).to_have_text(["Tides and harbours"])


@without_javascript
def test_without_javascript_the_form_searches_on_the_server(page, articles):
    page.goto("/search/")

    search_box(page).fill("lighthouse")
    page.get_by_role("button", name="Search").last.click()

    expect(page).to_have_url(re.compile(r"/search/\?q=lighthouse$"))
    expect(results(page)).to_have_count(2)


def test_more_results_load_from_the_live_search(page):
    for n in range(25):
        ArticleFactory(title=f"Harbour {n}")
    page.goto("/search/")

    search_box(page).fill("harbour")
    expect(results(page)).to_have_count(20)
    expect(page.locator(".search-summary")).to_have_text("More than 20 articles found.")
    page.get_by_role("button", name="Load more articles").click()

    expect(results(page)).to_have_count(25)
    expect(page).to_have_url(re.compile(r"/search/\?q=harbour&page=2$"))
    page.reload()
    expect(results(page)).to_have_count(5)
