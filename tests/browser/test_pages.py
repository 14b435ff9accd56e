"""Every kind of page loads the site's JavaScript without a console error or an uncaught
exception (the `page` fixture fails the test on either), for visitors and members."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import live_database
from tests.factories import ArticleFactory, BookmarkFactory, CommentFactory, TagFactory, UserFactory

pytestmark = live_database

MODULES = sorted(path.name for path in (Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))


@pytest.fixture
def site(reader):
    writer = UserFactory(username="writer")
    tag = TagFactory(name="Harbours")
    articles = [ArticleFactory(title=f"Harbour {n}", author=writer, tags=[tag]) for n in range(25)]
    CommentFactory(article=articles[0], author=reader)
    BookmarkFactory(article=articles[0], user=reader)
    return articles[0]


VISITOR_PAGES = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "{article}",
    "/tags/harbours/",
    "/authors/writer/",
    "/search/",
    "/search/?q=harbour",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
MEMBER_PAGES = [
    "/",
    "{article}",
    "/bookmarks/",
    "/comments/{comment}/edit/",
    "/comments/{comment}/delete/",
    "/accounts/password/change/",
]


def visit(page, path, article):
    url = path.format(article=article.get_absolute_url(), comment=article.comments.get().pk)
    response = page.goto(url)
    assert response.status == 200, url
    # Modules run before the load event that goto() waits for: every one was fetched.
    loaded = page.evaluate(
        """() => performance.getEntriesByType("resource")
            .filter(entry => entry.name.includes("/static/js/"))
            .map(entry => entry.name.split("/").pop()).sort()"""
    )
    assert loaded == MODULES


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_visitor_pages_have_no_console_errors(page, site, path):
    visit(page, path, site)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_have_no_console_errors(page, sign_in, reader, site, path):
    sign_in(reader)
    visit(page, path, site)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
