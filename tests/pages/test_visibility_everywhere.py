"""Drafts and scheduled articles appear on no public surface and in no count."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = ("Unfinished harbour draft", "Tomorrow harbour news")


@pytest.fixture
def site():
    """One published article next to a draft and a scheduled one sharing its tag and author."""
    tag = TagFactory(name="Harbours")
    writer = UserFactory(username="writer", display_name="Wren Writer")
    published = ArticleFactory(title="Open harbour story", author=writer, tags=[tag])
    ArticleFactory(title=HIDDEN_TITLES[0], author=writer, tags=[tag], draft=True)
    ArticleFactory(title=HIDDEN_TITLES[1], author=writer, tags=[tag], scheduled=True)
    return published


SURFACES = [
    reverse("pages:home"),
    reverse("pages:article-list"),
    reverse("pages:tag-detail", args=["harbours"]),
    reverse("pages:author-detail", args=["writer"]),
    reverse("pages:search") + "?q=harbour",
    reverse("pages:feed-rss"),
    reverse("pages:feed-atom"),
    reverse("pages:tag-feed", args=["harbours"]),
    "/sitemap-articles.xml",
]


@pytest.mark.parametrize("url", SURFACES)
@pytest.mark.parametrize("viewer", ["visitor", "reader", "editor"])
def test_no_surface_lists_unpublished_articles(client, site, url, viewer, reader, editor):
    if viewer != "visitor":
        client.force_login(reader if viewer == "reader" else editor)

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Open harbour story" in body or site.slug in body
    for title in HIDDEN_TITLES:
        assert title not in body
        assert title.lower().replace(" ", "-") not in body


@pytest.mark.parametrize(
    "url",
    [
        reverse("pages:tag-detail", args=["harbours"]),
        reverse("pages:author-detail", args=["writer"]),
    ],
)
def test_counts_leave_unpublished_articles_out(client, site, url):
    assert "1 article" in client.get(url).content.decode()
    assert "3 articles" not in client.get(url).content.decode()


def test_search_count_leaves_unpublished_articles_out(client, site):
    body = client.get(reverse("pages:search"), {"q": "harbour"}).content.decode()
    assert "1 article found." in body


def test_sitemaps_leave_out_tags_and_authors_with_only_unpublished_articles(client):
    hidden_author = UserFactory(username="hidden-author")
    ArticleFactory(author=hidden_author, draft=True, tags=[TagFactory(name="Secret plans")])
    ArticleFactory(title="Visible")

    tags = client.get("/sitemap-tags.xml").content.decode()
    authors = client.get("/sitemap-authors.xml").content.decode()

    assert "secret-plans" not in tags
    assert "hidden-author" not in authors
