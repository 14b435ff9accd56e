"""Likes and bookmarks: idempotent PUT and DELETE answering the new state; `me/bookmarks/`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import Bookmark, Like
from tests.factories import ArticleFactory, BookmarkFactory, LikeFactory

pytestmark = pytest.mark.django_db

MY_BOOKMARKS = reverse("api:my-bookmarks")


def like_url(article):
    return reverse("api:article-like", kwargs={"slug": article.slug})


def bookmark_url(article):
    return reverse("api:article-bookmark", kwargs={"slug": article.slug})


@pytest.fixture
def article():
    return ArticleFactory()


def test_liking_twice_is_liking_once(sign_in, reader, article):
    LikeFactory.create_batch(2, article=article)
    client = sign_in(reader)

    first = client.put(like_url(article))
    second = client.put(like_url(article))

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == {"liked": True, "like_count": 3}
    assert Like.objects.filter(user=reader).count() == 1


def test_unliking_twice_is_unliking_once(sign_in, reader, article):
    LikeFactory(article=article, user=reader)
    LikeFactory(article=article)
    client = sign_in(reader)

    first = client.delete(like_url(article))
    second = client.delete(like_url(article))

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == {"liked": False, "like_count": 1}


def test_bookmarking_is_idempotent_both_ways(sign_in, reader, article):
    client = sign_in(reader)

    assert client.put(bookmark_url(article)).json() == {"bookmarked": True, "bookmark_count": 1}
    assert client.put(bookmark_url(article)).json() == {"bookmarked": True, "bookmark_count": 1}
    assert client.delete(bookmark_url(article)).json() == {
        "bookmarked": False,
        "bookmark_count": 0,
    }
    assert client.delete(bookmark_url(article)).json()["bookmarked"] is False
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize("url", [like_url, bookmark_url])
@pytest.mark.parametrize("method", ["put", "delete"])
def test_marks_need_a_signed_in_reader(api, article, url, method):
    response = getattr(api, method)(url(article))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [like_url, bookmark_url])
def test_an_unpublished_article_cannot_be_marked(sign_in, reader, editor, url):
    draft = ArticleFactory(draft=True)

    assert sign_in(reader).put(url(draft)).status_code == 404
    assert sign_in(editor).put(url(draft)).status_code == 403
    assert not Like.objects.exists()
    assert not Bookmark.objects.exists()


def test_a_mark_request_body_cannot_mark_for_someone_else(sign_in, reader, other_reader, article):
    sign_in(reader).put(like_url(article), {"user": other_reader.pk}, format="json")

    assert list(Like.objects.values_list("user__username", flat=True)) == ["reader"]


# --- My bookmarks ----------------------------------------------------------------------------


def test_my_bookmarks_lists_my_published_bookmarks_last_bookmarked_first(sign_in, reader):
    older, newer, unpublished_later = ArticleFactory.create_batch(3)
    now = timezone.now()
    BookmarkFactory(user=reader, article=older)
    BookmarkFactory(user=reader, article=newer)
    BookmarkFactory(user=reader, article=unpublished_later)
    Bookmark.objects.filter(article=older).update(created_at=now - timedelta(days=2))
    Bookmark.objects.filter(article=newer).update(created_at=now - timedelta(days=1))
    unpublished_later.status = "draft"
    unpublished_later.save()
    BookmarkFactory(article=older)  # someone else's

    body = sign_in(reader).get(MY_BOOKMARKS).json()

    assert [item["slug"] for item in body["results"]] == [newer.slug, older.slug]
    assert body["results"][0]["bookmarked_at"] is not None
    assert "body" not in body["results"][0]


def test_my_bookmarks_are_paged_exactly(sign_in, reader):
    for article in ArticleFactory.create_batch(45):
        BookmarkFactory(user=reader, article=article)
    for article in ArticleFactory.create_batch(5):
        BookmarkFactory(article=article)  # other readers'
    client = sign_in(reader)
    expected = list(
        Bookmark.objects.filter(user=reader)
        .order_by("-created_at", "-id")
        .values_list("article__slug", flat=True)
    )

    seen, url = [], MY_BOOKMARKS
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]

    assert seen == expected


def test_my_bookmarks_need_a_signed_in_reader(api):
    assert api.get(MY_BOOKMARKS).status_code == 401


def test_my_bookmarks_take_a_fixed_number_of_queries(
    sign_in, reader, django_assert_max_num_queries
):
    for article in ArticleFactory.create_batch(25):
        BookmarkFactory(user=reader, article=article)
    client = sign_in(reader)

    # Session, user, articles with authors and bookmarks, tags.
    with django_assert_max_num_queries(4):
        assert client.get(MY_BOOKMARKS).status_code == 200
