"""Hostile text from authors, readers and URLs comes out as text, never as markup."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import ArticleFactory, CommentFactory, TagFactory, UserFactory
from tests.html import soup, structured_data

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
]


@pytest.fixture(params=PAYLOADS)
def payload(request):
    return request.param


@pytest.fixture
def hostile_article(payload):
    author = UserFactory(username="mallory", display_name=payload, bio=payload)
    article = ArticleFactory(
        title=f"Title {payload}",
        summary=f"Summary {payload}",
        body=f"Body {payload}\n\n[link](javascript:alert(1))",
        author=author,
        tags=[TagFactory(name=f"Tag {payload}"[:50])],
    )
    CommentFactory(article=article, body=payload, author__display_name=payload)
    return article


# The one script a page may load: the site's own module, from its own static files.
SITE_SCRIPT = {"type": "module", "src": "/static/js/main.js"}


def assert_no_live_markup(html):
    page = soup_from(html)
    scripts = [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]
    assert [(s.attrs, s.string) for s in scripts] == [(SITE_SCRIPT, None)]
    assert page.select("[onerror], [onload], svg") == []
    # Images are allowed Markdown (sanitized, without handlers), but only in article bodies.
    assert [
        img for img in page.find_all("img") if not img.find_parent(class_="article__body")
    ] == []
    assert "javascript:" not in html


def soup_from(html):
    return BeautifulSoup(html, "html.parser")


def test_pages_show_hostile_text_as_text(client, hostile_article):
    tag_slug = hostile_article.tags.get().slug
    urls = [
        reverse("pages:home"),
        reverse("pages:article-list"),
        hostile_article.get_absolute_url(),
        reverse("pages:tag-detail", args=[tag_slug]),
        reverse("pages:author-detail", args=["mallory"]),
        reverse("pages:search") + "?q=Title",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_live_markup(response.content.decode())


def test_the_article_page_shows_the_hostile_title_verbatim_as_text(
    client, hostile_article, payload
):
    page = soup(client.get(hostile_article.get_absolute_url()))
    assert page.h1.text == f"Title {payload}"
    assert page.select_one(".comment__body").text == payload


def test_json_ld_carries_hostile_text_as_data_that_cannot_close_the_script(
    client, hostile_article, payload
):
    response = client.get(hostile_article.get_absolute_url())
    raw = response.content.decode()
    for script in raw.split('<script type="application/ld+json">')[1:]:
        assert "<" not in script.split("</script>")[0]
    article = next(item for item in structured_data(response) if item["@type"] == "Article")
    assert article["headline"] == f"Title {payload}"
    assert article["author"]["name"] == payload


def test_search_queries_are_escaped_in_the_page(client, payload):
    response = client.get(reverse("pages:search"), {"q": payload})
    assert response.status_code == 200
    assert_no_live_markup(response.content.decode())
    assert soup(response).select_one("#search-q")["value"] == payload


def test_feeds_and_sitemap_escape_hostile_text(client, hostile_article, payload):
    for url in ("/feeds/rss/", "/feeds/atom/", "/sitemap-articles.xml", "/sitemap-authors.xml"):
        body = client.get(url).content.decode()
        assert payload not in body, url


def test_hostile_paths_and_parameters_are_404_or_escaped(client):
    for url in (
        "/articles/%3Cscript%3E/",
        "/authors/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/articles/?page=%3Cscript%3E",
        "/nothing-here/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<script>alert" not in response.content.decode()


def test_json_ld_is_valid_json_for_every_payload(client, hostile_article):
    for item in structured_data(client.get(hostile_article.get_absolute_url())):
        assert json.loads(json.dumps(item)) == item
