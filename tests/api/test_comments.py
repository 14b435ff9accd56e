"""Comments: read oldest first, post signed in, edit in the window, delete, moderate."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import COMMENT_MAX_LENGTH, Comment
from content.services import COMMENT_EDIT_WINDOW
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def comments_url(article):
    return reverse("api:article-comments", kwargs={"slug": article.slug})


def comment_url(comment):
    return reverse("api:comment-detail", kwargs={"pk": comment.pk})


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def comment(article, reader):
    return CommentFactory(article=article, author=reader, body="First!")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- Reading -------------------------------------------------------------------------------


def test_comments_come_oldest_first_without_hidden_ones(api, article):
    now = timezone.now()
    later = CommentFactory(article=article, created_at=now - timedelta(minutes=1))
    earlier = CommentFactory(article=article, created_at=now - timedelta(hours=1))
    CommentFactory(article=article, is_hidden=True)
    CommentFactory()  # another article's

    assert ids(api.get(comments_url(article))) == [earlier.pk, later.pk]


def test_a_comment_shows_its_author_text_and_what_the_viewer_may_do(sign_in, comment, reader):
    item = sign_in(reader).get(comments_url(comment.article)).json()["results"][0]

    assert item["body"] == "First!"
    assert item["author"] == {"username": "reader", "name": reader.public_name}
    assert item["article"] == comment.article.slug
    assert item["can_edit"] is True
    assert item["can_delete"] is True
    assert item["is_hidden"] is False
    assert item["edited_at"] is None
    assert item["url"] == f"http://testserver/articles/{comment.article.slug}/#comment-{comment.pk}"
    assert item["api_url"] == f"http://testserver/api/v1/comments/{comment.pk}/"


def test_after_returns_only_newer_comments(api, article):
    first, second, third = CommentFactory.create_batch(3, article=article)

    assert ids(api.get(comments_url(article), {"after": first.pk})) == [second.pk, third.pk]
    assert ids(api.get(comments_url(article), {"after": third.pk})) == []


@pytest.mark.parametrize("after", ["abc", "-1", "1e3", str(2**63), ""])
def test_a_non_numeric_or_out_of_range_after_is_a_400(api, article, after):
    response = api.get(comments_url(article), {"after": after})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["after"]


def test_moderators_see_hidden_comments_and_readers_get_404(api, sign_in, editor, article):
    hidden = CommentFactory(article=article, is_hidden=True)

    assert ids(sign_in(editor).get(comments_url(article))) == [hidden.pk]
    assert sign_in(editor).get(comment_url(hidden)).json()["is_hidden"] is True
    assert api.get(comment_url(hidden)).status_code == 404
    assert sign_in(hidden.author).get(comment_url(hidden)).status_code == 404


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_comments_of_an_unpublished_article_are_404(api, state):
    comment = CommentFactory(article=ArticleFactory(**state))

    assert api.get(comments_url(comment.article)).status_code == 404
    assert api.get(comment_url(comment)).status_code == 404


def test_reading_comments_takes_a_fixed_number_of_queries(
    sign_in, editor, article, django_assert_max_num_queries
):
    CommentFactory.create_batch(20, article=article)
    CommentFactory.create_batch(5, article=article, is_hidden=True)
    client = sign_in(editor)

    # Session, user, permissions (user and group), article with tags, comments.
    with django_assert_max_num_queries(7):
        assert len(ids(client.get(comments_url(article)))) == 25


# --- Posting -------------------------------------------------------------------------------


def test_a_signed_in_reader_posts_a_comment(sign_in, reader, article):
    response = sign_in(reader).post(comments_url(article), {"body": "  Well put.  "})

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json()["id"] == comment.pk
    assert response.json()["body"] == "Well put."
    assert response["Location"] == f"http://testserver/api/v1/comments/{comment.pk}/"
    assert (comment.author, comment.article) == (reader, article)


def test_posting_needs_a_signed_in_reader(api, article):
    response = api.post(comments_url(article), {"body": "Hello"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * (COMMENT_MAX_LENGTH + 1)}, "body"),
        ({"body": 42}, "body"),
        ({"body": ["a list"]}, "body"),
        ({"body": {"an": "object"}}, "body"),
        ({"body": None}, "body"),
        ({"body": True}, "body"),
        ({"body": "nul \x00 byte"}, "body"),
        (["not", "an", "object"], "non_field_errors"),
        ("just a string", "non_field_errors"),
    ],
)
def test_an_invalid_comment_is_a_400_with_field_errors_and_stores_nothing(
    sign_in, reader, article, payload, field
):
    response = sign_in(reader).post(comments_url(article), payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) for message in body["errors"][field])
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_the_maximum_length_is_accepted(sign_in, reader, article):
    response = sign_in(reader).post(comments_url(article), {"body": "x" * COMMENT_MAX_LENGTH})
    assert response.status_code == 201


def test_author_article_and_times_cannot_be_set_through_the_api(sign_in, reader, article):
    other_user, other_article = UserFactory(), ArticleFactory()
    long_ago = "2000-01-01T00:00:00Z"

    response = sign_in(reader).post(
        comments_url(article),
        {
            "body": "Mine.",
            "author": other_user.pk,
            "article": other_article.slug,
            "created_at": long_ago,
            "edited_at": long_ago,
            "is_hidden": True,
            "id": 999,
        },
    )

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert (comment.author, comment.article) == (reader, article)
    assert comment.pk != 999
    assert comment.created_at > timezone.now() - timedelta(minutes=1)
    assert comment.edited_at is None
    assert comment.is_hidden is False


def test_readers_cannot_comment_on_a_draft_and_editors_are_refused(sign_in, reader, editor):
    draft = ArticleFactory(draft=True)

    assert sign_in(reader).post(comments_url(draft), {"body": "Hi"}).status_code == 404
    refused = sign_in(editor).post(comments_url(draft), {"body": "Hi"})
    assert refused.status_code == 403
    assert refused.json()["message"] == "This article does not take comments."
    assert not Comment.objects.exists()


def test_only_json_is_accepted(sign_in, reader, article):
    response = sign_in(reader).post(
        comments_url(article), "body=Hello", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Comment.objects.exists()


# --- Editing -------------------------------------------------------------------------------


def test_the_author_edits_their_comment_within_the_window(sign_in, reader, comment):
    response = sign_in(reader).patch(comment_url(comment), {"body": "Second thoughts."})

    assert response.status_code == 200
    assert response.json()["body"] == "Second thoughts."
    assert response.json()["edited_at"] is not None
    comment.refresh_from_db()
    assert comment.body == "Second thoughts."


def test_the_author_cannot_edit_after_the_window(sign_in, reader, article):
    old = CommentFactory(
        article=article,
        author=reader,
        body="Old.",
        created_at=timezone.now() - COMMENT_EDIT_WINDOW - timedelta(seconds=1),
    )

    response = sign_in(reader).patch(comment_url(old), {"body": "New."})

    assert response.status_code == 403
    assert response.json()["message"] == "You can no longer edit this comment."
    old.refresh_from_db()
    assert old.body == "Old."
    assert old.edited_at is None


@pytest.mark.parametrize("payload", [{"body": "Hijacked."}, {"body": ""}, {"is_hidden": True}])
def test_another_users_comment_is_403_and_unchanged(sign_in, other_reader, comment, payload):
    client = sign_in(other_reader)

    assert client.patch(comment_url(comment), payload).status_code == 403
    assert client.delete(comment_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_hidden) == ("First!", False)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"body": ""}, "body"),
        ({"body": 7}, "body"),
        ({"body": "x" * (COMMENT_MAX_LENGTH + 1)}, "body"),
        ({"is_hidden": "yes"}, "is_hidden"),
        ({"is_hidden": 1}, "is_hidden"),
    ],
)
def test_an_invalid_edit_is_a_400_and_changes_nothing(sign_in, reader, comment, payload, field):
    response = sign_in(reader).patch(comment_url(comment), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    comment.refresh_from_db()
    assert comment.body == "First!"


def test_the_article_author_and_times_of_a_comment_cannot_be_changed(sign_in, reader, comment):
    response = sign_in(reader).patch(
        comment_url(comment),
        {"body": "Edited.", "author": UserFactory().pk, "created_at": "2000-01-01T00:00:00Z"},
    )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.author == reader
    assert comment.created_at > timezone.now() - timedelta(minutes=1)


# --- Moderation ----------------------------------------------------------------------------


def test_a_moderator_hides_a_comment_and_readers_no_longer_see_it(api, sign_in, editor, comment):
    response = sign_in(editor).patch(comment_url(comment), {"is_hidden": True})

    assert response.status_code == 200
    assert response.json()["is_hidden"] is True
    assert api.get(comment_url(comment)).status_code == 404
    assert ids(api.get(comments_url(comment.article))) == []

    shown = sign_in(editor).patch(comment_url(comment), {"is_hidden": False})
    assert shown.json()["is_hidden"] is False
    assert ids(api.get(comments_url(comment.article))) == [comment.pk]


def test_the_author_cannot_hide_their_own_comment(sign_in, reader, comment):
    response = sign_in(reader).patch(comment_url(comment), {"is_hidden": True})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_hidden is False


def test_a_moderator_cannot_rewrite_someone_elses_comment_and_nothing_half_happens(
    sign_in, editor, comment
):
    response = sign_in(editor).patch(comment_url(comment), {"body": "Nicer.", "is_hidden": True})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_hidden) == ("First!", False)


def test_a_refused_hide_undoes_the_edit_made_in_the_same_request(sign_in, reader, comment):
    response = sign_in(reader).patch(comment_url(comment), {"body": "Changed.", "is_hidden": True})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("First!", None)


# --- Deleting ------------------------------------------------------------------------------


def test_the_author_deletes_their_comment_and_it_is_gone(api, sign_in, reader, comment):
    response = sign_in(reader).delete(comment_url(comment))

    assert response.status_code == 204
    assert not Comment.objects.exists()
    assert api.get(comment_url(comment)).status_code == 404
    assert sign_in(reader).delete(comment_url(comment)).status_code == 404


def test_a_moderator_deletes_any_comment(sign_in, editor, comment):
    assert sign_in(editor).delete(comment_url(comment)).status_code == 204
    assert not Comment.objects.exists()


def test_deleting_needs_a_signed_in_user(api, comment):
    assert api.delete(comment_url(comment)).status_code == 401
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_an_id_beyond_the_database_range_is_a_404(api):
    response = api.get(f"/api/v1/comments/{2**70}/")
    assert response.status_code == 404
