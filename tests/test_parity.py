"""The two faces never disagree: every list page and its API twin return the same
articles in the same order, page after page, and unpublished articles are 404 in both."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, TagFactory, UserFactory
from tests.html import listed_article_paths, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    """45 published articles over two tags and two authors, some published at the very
    same moment (the tie is broken the same way on both faces), a third of them about
    harbours, next to drafts and scheduled articles that match every filter."""
    now = timezone.now()
    cities, food = TagFactory(name="Cities"), TagFactory(name="Food")
    ada, ben = UserFactory(username="ada"), UserFactory(username="ben")
    for n in range(45):
        ArticleFactory(
            title=f"{'Harbour' if n % 3 == 0 else 'Market'} story {n}",
            body=f"Story {n} about harbour life." if n % 5 == 0 else f"Story {n}.",
            author=ada if n % 2 else ben,
            tags=[cities] if n % 4 else [cities, food],
            published_at=now - timedelta(hours=n // 2),
        )
    for trait in ("draft", "scheduled"):
        ArticleFactory(title=f"Harbour {trait}", author=ada, tags=[cities, food], **{trait: True})


def html_slugs(client, path, **query):
    """Every article slug of a paginated HTML list, following its rel=next links."""
    slugs, url = [], path
    params = dict(query)
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, url
        slugs += [href.rstrip("/").rsplit("/", 1)[1] for href in listed_article_paths(response)]
        next_link = soup(response).find("link", rel="next")
        url, params = (next_link["href"], {}) if next_link else (None, {})
    return slugs


def api_slugs(client, **query):
    """Every article slug of the API's article list, following its `next` cursors."""
    slugs, url, params = [], reverse("api:article-list"), query
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, url
        body = response.json()
        slugs += [item["slug"] for item in body["results"]]
        url, params = body["next"], {}
    return slugs


@pytest.mark.parametrize(
    ("page", "api_query", "count"),
    [
        (("pages:article-list", []), {}, 45),
        (("pages:tag-detail", ["cities"]), {"tag": "cities"}, 45),
        (("pages:tag-detail", ["food"]), {"tag": "food"}, 12),
        (("pages:author-detail", ["ada"]), {"author": "ada"}, 22),
        (("pages:author-detail", ["ben"]), {"author": "ben"}, 23),
    ],
)
def test_lists_agree_page_after_page(client, newsroom, page, api_query, count):
    name, args = page
    from_html = html_slugs(client, reverse(name, args=args))
    from_api = api_slugs(client, **api_query)

    assert from_html == from_api
    assert len(set(from_html)) == len(from_html) == count
    assert not any(slug.startswith("harbour-draft") for slug in from_html)


@pytest.mark.parametrize("query", ["harbour", "story", "market harbour", "nothing-matches"])
def test_search_agrees(client, newsroom, query):
    from_html = html_slugs(client, reverse("pages:search"), q=query)
    from_api = api_slugs(client, search=query)

    assert from_html == from_api
    assert "harbour-draft" not in from_html
    assert "harbour-scheduled" not in from_html


def test_the_home_page_shows_the_first_page_of_the_api_list(client, newsroom):
    home = listed_article_paths(client.get(reverse("pages:home")))
    featured = soup(client.get(reverse("pages:home"))).select(".featured .article-card")
    latest = [href.rstrip("/").rsplit("/", 1)[1] for href in home[len(featured) :]]
    first_page = client.get(reverse("api:article-list")).json()["results"]
    assert latest == [item["slug"] for item in first_page]


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_unpublished_articles_are_404_in_both_faces(client, newsroom, trait):
    slug = f"harbour-{trait}"
    assert client.get(reverse("pages:article-detail", args=[slug])).status_code == 404
    assert client.get(reverse("api:article-detail", args=[slug])).status_code == 404
    assert client.get(reverse("api:article-comments", args=[slug])).status_code == 404
