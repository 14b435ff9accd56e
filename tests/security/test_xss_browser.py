"""The hostile corpus in Chromium with JavaScript on: no payload runs, whether the server
rendered it or the site's JavaScript put it in the page from the API.

Every payload calls alert(), confirm() or prompt(), so any payload that runs opens a
dialog; the tab records every dialog, and the test fails on the first.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from content.models import Comment
from tests.browser.conftest import live_database, same_document
from tests.security.corpus import build_hostile_site, load_payloads, pack

pytestmark = [
    live_database,
    # Broken image addresses in the payloads ("<img src=x>") fail to load, which the
    # console reports as errors; what matters here is dialogs and uncaught exceptions.
    pytest.mark.failed_requests,
    # The Content-Security-Policy would block most inline payloads anyway; this test is
    # about escaping and sanitizing, so it must see what they alone let through.
    pytest.mark.browser_context_args(bypass_csp=True),
]


@pytest.fixture
def dialogs(page):
    """The dialogs the tab opened, as "type: message"; each is dismissed at once."""
    opened = []

    def record(dialog):
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def visit(page, dialogs, url):
    page.goto(url)
    page.wait_for_load_state("load")
    assert not dialogs, f"a payload ran on {url}: {dialogs}"


def test_no_payload_runs_on_any_page_or_in_what_the_javascript_adds(page, dialogs, sign_in):
    site = build_hostile_site(load_payloads())

    # Server-rendered: bodies, comments, titles, summaries, tags and names.
    for article in site.body_articles:
        visit(page, dialogs, article.get_absolute_url())
    for url in (
        reverse("pages:home"),
        reverse("pages:tag-detail", args=[site.tags[0].slug]),
        reverse("pages:author-detail", args=[site.authors[0].username]),
        reverse("api:article-detail", args=[site.body_articles[0].slug]),  # browsable API
    ):
        visit(page, dialogs, url)
    for query in site.search_queries:
        visit(page, dialogs, f"{reverse('pages:search')}?{urlencode({'q': query})}")

    # Put in the page by the JavaScript from the API: every article card, page by page.
    visit(page, dialogs, reverse("pages:article-list"))
    load_every_page(page, dialogs, len(site.articles))

    # Results as you type, from the API.
    visit(page, dialogs, reverse("pages:search"))
    summary = page.locator("[data-search-summary]")
    with same_document(page):
        for query in site.search_queries[:10]:
            # search.js empties the summary before it asks the API, and fills it once the
            # results are in the page.
            with page.expect_response(lambda response: "search=" in response.url):
                page.get_by_role("searchbox", name="Search articles").last.fill(query)
            expect(summary).to_contain_text("found")
    assert not dialogs, f"a payload ran in live search results: {dialogs}"

    # Signed in: bookmarks, and comments posted through comments.js.
    sign_in(site.reader)
    visit(page, dialogs, reverse("pages:bookmarks"))
    load_every_page(page, dialogs, len(site.articles))
    article = site.body_articles[0]
    visit(page, dialogs, article.get_absolute_url())
    with same_document(page):
        # The API takes five comments a minute from one reader: the corpus in three.
        for body in pack(site.payloads, 5000)[:3]:
            stored, shown = Comment.objects.count(), page.locator(".comment").count()
            page.get_by_label("Your comment").fill(body)
            page.get_by_role("button", name="Post comment").click()
            expect(page.locator(".comment")).to_have_count(shown + 1)
            assert Comment.objects.count() == stored + 1
    assert not dialogs, f"a payload ran in a comment posted with comments.js: {dialogs}"
    visit(page, dialogs, article.get_absolute_url())


def load_every_page(page, dialogs, count):
    """Presses "Load more articles" until every card of the list is on the page."""
    cards = page.locator(".article-list .article-card")
    while cards.count() < count:
        shown = cards.count()
        page.get_by_role("button", name="Load more articles").click()
        expect(cards).not_to_have_count(shown)
        assert not dialogs, f"a payload ran in cards added by lists.js: {dialogs}"
