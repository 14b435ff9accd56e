"""Writes shared by pages and API: they enforce the rules and change nothing when refusing."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from content import services
from content.models import COMMENT_MAX_LENGTH, Article, Bookmark, Comment, Like
from tests.factories import ArticleFactory, CommentFactory, LikeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


# --- Comments --------------------------------------------------------------------


def test_a_reader_posts_a_comment_with_surrounding_space_trimmed(article, reader):
    comment = services.comment_create(article=article, author=reader, body="  Well put.  ")

    assert comment.pk is not None
    assert Comment.objects.get().body == "Well put."


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (COMMENT_MAX_LENGTH + 1)])
def test_an_empty_or_too_long_comment_is_refused_and_nothing_is_stored(article, reader, body):
    with pytest.raises(ValidationError) as refused:
        services.comment_create(article=article, author=reader, body=body)

    assert "body" in refused.value.message_dict
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_the_maximum_length_is_accepted(article, reader):
    services.comment_create(article=article, author=reader, body="x" * COMMENT_MAX_LENGTH)
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_take_no_comments(reader, state):
    unpublished = ArticleFactory(**{state: True})
    with pytest.raises(PermissionDenied):
        services.comment_create(article=unpublished, author=reader, body="First!")
    assert not Comment.objects.exists()


def test_anonymous_visitors_cannot_comment(article):
    with pytest.raises(PermissionDenied):
        services.comment_create(article=article, author=AnonymousUser(), body="Hello")


def test_the_author_edits_a_comment_within_the_edit_window(reader):
    comment = CommentFactory(author=reader, body="Frist")

    services.comment_edit(comment=comment, by=reader, body="First")

    comment.refresh_from_db()
    assert comment.body == "First"
    assert comment.edited_at is not None


def test_a_comment_cannot_be_edited_after_the_edit_window(reader):
    comment = CommentFactory(
        author=reader,
        body="Original",
        created_at=timezone.now() - services.COMMENT_EDIT_WINDOW - timedelta(seconds=1),
    )
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, by=reader, body="Changed")
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_another_user_cannot_edit_or_delete_a_comment(reader, other_reader):
    comment = CommentFactory(author=reader, body="Mine")

    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, by=other_reader, body="Yours now")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, by=other_reader)

    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_an_invalid_edit_keeps_the_stored_comment(reader):
    comment = CommentFactory(author=reader, body="Mine")
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, by=reader, body="  ")
    assert Comment.objects.get(pk=comment.pk).body == "Mine"


def test_authors_and_moderators_may_delete_a_comment(reader, editor):
    own = CommentFactory(author=reader)
    moderated = CommentFactory(author=reader)

    services.comment_delete(comment=own, by=reader)
    services.comment_delete(comment=moderated, by=editor)

    assert not Comment.objects.exists()


def test_moderators_hide_and_show_comments_but_readers_cannot(reader, editor):
    comment = CommentFactory()

    services.comment_set_hidden(comment=comment, by=editor, hidden=True)
    assert Comment.objects.get().is_hidden

    with pytest.raises(PermissionDenied):
        services.comment_set_hidden(comment=comment, by=reader, hidden=False)
    assert Comment.objects.get().is_hidden

    services.comment_set_hidden(comment=comment, by=editor, hidden=False)
    assert not Comment.objects.get().is_hidden


# --- Likes and bookmarks -----------------------------------------------------------


@pytest.mark.parametrize(
    ("set_", "unset", "model"),
    [
        (services.like_set, services.like_unset, Like),
        (services.bookmark_set, services.bookmark_unset, Bookmark),
    ],
)
def test_likes_and_bookmarks_are_idempotent_and_report_the_count(
    article, reader, other_reader, set_, unset, model
):
    assert set_(user=reader, article=article) == services.ToggleState(active=True, count=1)
    assert set_(user=reader, article=article) == services.ToggleState(active=True, count=1)
    assert set_(user=other_reader, article=article).count == 2
    assert model.objects.filter(article=article).count() == 2

    assert unset(user=reader, article=article) == services.ToggleState(active=False, count=1)
    assert unset(user=reader, article=article) == services.ToggleState(active=False, count=1)


def test_a_draft_cannot_be_liked(reader):
    with pytest.raises(PermissionDenied):
        services.like_set(user=reader, article=ArticleFactory(draft=True))
    assert not Like.objects.exists()


def test_the_database_allows_one_like_per_user_and_article(article, reader):
    LikeFactory(article=article, user=reader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(article=article, user=reader)


# --- Publishing --------------------------------------------------------------------


def test_publishing_a_draft_makes_it_visible_now():
    draft = ArticleFactory(draft=True)

    services.article_publish(article=draft)

    assert draft in Article.objects.published()
    assert draft.published_at <= timezone.now()


def test_publishing_with_a_future_time_schedules_the_article():
    draft = ArticleFactory(draft=True)
    services.article_publish(article=draft, at=timezone.now() + timedelta(hours=2))

    draft.refresh_from_db()
    assert draft.is_scheduled
    assert draft not in Article.objects.published()


def test_unpublishing_then_republishing_keeps_the_original_date(article):
    original = article.published_at

    services.article_unpublish(article=article)
    assert article not in Article.objects.published()

    services.article_publish(article=article)
    article.refresh_from_db()
    assert article.published_at == original


# --- Article invariants ---------------------------------------------------------


def test_slugs_are_made_from_the_title_and_kept_unique():
    first = ArticleFactory(title="Hello, World!")
    second = ArticleFactory(title="Hello world")
    untitled = ArticleFactory(title="¿¡!?")

    assert (first.slug, second.slug) == ("hello-world", "hello-world-2")
    assert untitled.slug == "article"


def test_an_edited_slug_is_kept():
    article = ArticleFactory(title="A title", slug="custom-address")
    article.title = "Another title"
    article.save()
    assert Article.objects.get(pk=article.pk).slug == "custom-address"


def _png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def test_a_cover_image_needs_alt_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory.build(author=UserFactory(), cover_image=_png(40, 20), cover_alt=" ")

    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "cover_alt" in refused.value.message_dict


def test_a_cover_images_width_and_height_are_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory(cover_image=_png(40, 20), cover_alt="A teal rectangle")

    article.refresh_from_db()
    assert (article.cover_width, article.cover_height) == (40, 20)


def test_reading_time_follows_the_length_of_the_body():
    assert ArticleFactory(body="word " * 10).reading_time == 1
    assert ArticleFactory(body="word " * 2300).reading_time == 10


# --- Writing articles -----------------------------------------------------------


def test_every_save_counts_a_revision_in_the_database(article):
    started_at = article.revision
    Article.objects.get(pk=article.pk).save()  # another copy, saved meanwhile
    article.save(update_fields=["title"])
    assert article.revision == started_at + 2
    assert Article.objects.get(pk=article.pk).revision == started_at + 2


def test_a_save_from_the_current_revision_is_stored_and_counted(article):
    article.title = "Renamed"
    services.article_save(article=article, based_on=article.revision)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.revision) == ("Renamed", 2)


def test_a_save_from_an_older_revision_is_refused_and_stores_nothing(article):
    opened_at = article.revision
    theirs = Article.objects.get(pk=article.pk)
    theirs.title = "Their title"
    services.article_save(article=theirs, based_on=opened_at)
    article.title, article.body = "My title", "My body"
    with pytest.raises(services.EditConflict) as refused:
        services.article_save(article=article, based_on=opened_at)
    assert (refused.value.current.title, refused.value.current.revision) == ("Their title", 2)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.revision) == ("Their title", 2)
    assert stored.body != "My body"


def test_an_authors_new_article_is_their_own_draft(author, editor):
    article = services.article_create(by=author, title="Tide", summary="S.", body="B.")
    assert (article.author, article.status, article.slug) == (author, "draft", "tide")

    with pytest.raises(PermissionDenied):
        services.article_create(by=author, author=editor, title="T", summary="S.", body="B.")
    with pytest.raises(PermissionDenied):
        services.article_create(by=author, status="published", title="T", summary="S.", body="B.")
    assert Article.objects.count() == 1


def test_readers_write_no_articles(reader):
    with pytest.raises(PermissionDenied):
        services.article_create(by=reader, title="T", summary="S.", body="B.")


def test_an_author_changes_their_article_but_not_its_publication(author, other_author):
    article = ArticleFactory(author=author)
    services.article_update(article=article, by=author, based_on=article.revision, title="New")
    with pytest.raises(PermissionDenied):
        services.article_update(
            article=article, by=author, based_on=article.revision, is_featured=True
        )
    with pytest.raises(PermissionDenied):
        services.article_update(article=article, by=other_author, based_on=1, title="Mine")
    with pytest.raises(PermissionDenied):
        services.article_delete(article=article, by=other_author)
    stored = Article.objects.get()
    assert (stored.title, stored.is_featured) == ("New", False)


def test_a_taken_slug_is_a_validation_error_on_the_field(editor):
    ArticleFactory(slug="taken")
    with pytest.raises(ValidationError) as refused:
        services.article_create(by=editor, slug="taken", title="T", summary="S.", body="B.")
    assert set(refused.value.message_dict) == {"slug"}


def test_scheduling_for_a_time_gone_is_refused(article):
    with pytest.raises(ValidationError):
        services.article_publish(article=article, at=timezone.now() - timedelta(minutes=1))


def test_a_slug_taken_between_the_check_and_the_save_is_a_field_error(editor, monkeypatch):
    ArticleFactory(slug="night-ferry")
    # The check saw the slug free: another article took it before this save.
    monkeypatch.setattr(Article, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        services.article_create(
            by=editor, title="Night ferry", slug="night-ferry", summary="S", body="B"
        )
    assert "slug" in refused.value.message_dict
    assert Article.objects.filter(slug="night-ferry").count() == 1
