"""ETag, Last-Modified and 304; Cache-Control public or private; Vary."""

import pytest
from django.urls import reverse
from django.utils.http import http_date

from content import services
from tests.factories import ArticleFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

# Browsers revalidate every time; nginx or a CDN may keep it 10 s and refetch behind.
PUBLIC = "public, max-age=0, s-maxage=10, stale-while-revalidate=30"


@pytest.fixture
def article():
    return ArticleFactory(tags=[TagFactory(name="Harbour")])


def read_urls(article):
    comment = CommentFactory(article=article)
    return [
        reverse("api:article-list"),
        reverse("api:article-detail", kwargs={"slug": article.slug}),
        reverse("api:article-comments", kwargs={"slug": article.slug}),
        reverse("api:comment-detail", kwargs={"pk": comment.pk}),
        reverse("api:tag-list"),
        reverse("api:tag-detail", kwargs={"slug": "harbour"}),
        reverse("api:author-list"),
        reverse("api:author-detail", kwargs={"username": article.author.username}),
    ]


def test_every_read_answers_if_none_match_with_304(api, article):
    for url in read_urls(article):
        first = api.get(url)
        assert first.status_code == 200, url
        assert first["ETag"].startswith('W/"'), url

        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]


def test_articles_and_comments_answer_if_modified_since(api, article):
    for url in read_urls(article)[:4]:
        first = api.get(url)
        assert "Last-Modified" in first, url

        assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        assert api.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_a_stale_etag_gets_the_new_version(api, article):
    detail = reverse("api:article-detail", kwargs={"slug": article.slug})
    listing = reverse("api:article-list")
    old_detail, old_list = api.get(detail)["ETag"], api.get(listing)["ETag"]

    CommentFactory(article=article)
    changed = api.get(detail, HTTP_IF_NONE_MATCH=old_detail)
    assert changed.status_code == 200
    assert changed.json()["comment_count"] == 1

    ArticleFactory()
    assert api.get(listing, HTTP_IF_NONE_MATCH=old_list).status_code == 200


def test_unpublishing_an_article_changes_the_list_etag(api, article):
    listing = reverse("api:article-list")
    etag = api.get(listing)["ETag"]

    services.article_unpublish(article=article)

    assert api.get(listing, HTTP_IF_NONE_MATCH=etag).json()["results"] == []


def test_the_etag_depends_on_who_asks(api, sign_in, reader, article):
    detail = reverse("api:article-detail", kwargs={"slug": article.slug})
    anonymous = api.get(detail)["ETag"]
    client = sign_in(reader)

    assert client.get(detail)["ETag"] != anonymous
    assert client.get(detail, HTTP_IF_NONE_MATCH=anonymous).status_code == 200

    before = client.get(detail)["ETag"]
    client.put(reverse("api:article-like", kwargs={"slug": article.slug}))
    assert client.get(detail, HTTP_IF_NONE_MATCH=before).json()["viewer"]["liked"] is True


def test_anonymous_reads_are_public_and_signed_in_reads_private(api, sign_in, reader, article):
    for url in read_urls(article):
        assert api.get(url)["Cache-Control"] == PUBLIC, url
        assert sign_in(reader).get(url)["Cache-Control"] == "private, no-cache", url
    assert sign_in(reader).get(reverse("api:my-bookmarks"))["Cache-Control"] == "private, no-cache"


def test_responses_vary_on_format_and_credentials(api, article):
    vary = {v.strip() for v in api.get(reverse("api:article-list"))["Vary"].split(",")}
    assert {"Accept", "Cookie", "Authorization"} <= vary


def test_writes_and_errors_are_never_stored(sign_in, reader, api, article):
    client = sign_in(reader)
    comments = reverse("api:article-comments", kwargs={"slug": article.slug})

    assert "no-store" in client.post(comments, {"body": "Hi"})["Cache-Control"]
    assert (
        "no-store" in client.put(reverse("api:article-like", args=[article.slug]))["Cache-Control"]
    )
    assert "no-store" in api.get("/api/v1/articles/nothing/")["Cache-Control"]
    assert "no-store" in api.get("/api/v1/nothing/")["Cache-Control"]


def test_the_browsable_api_is_never_cached_publicly(api, article):
    response = api.get(reverse("api:article-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "private, no-cache"
