"""Every write that pages and API share, as small keyword-only functions.

Views parse input and shape output; the rules (who may do what, what is valid)
live here. A refused write raises `PermissionDenied` or `ValidationError` and
changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from content.models import (
    Article,
    Bookmark,
    Comment,
    Like,
    User,
    can_moderate_comments,
)

COMMENT_EDIT_WINDOW = timedelta(minutes=15)


# --- Comments ------------------------------------------------------------------


def _validated(comment: Comment) -> Comment:
    comment.body = comment.body.strip()
    comment.full_clean(exclude=["article", "author"])
    return comment


def comment_create(*, article: Article, author: User, body: str) -> Comment:
    """Post a comment. Only published articles take comments."""
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied("Sign in to comment.")
    if not article.is_published:
        raise PermissionDenied("This article does not take comments.")
    comment = _validated(Comment(article=article, author=author, body=body))
    comment.save()
    return comment


def can_edit_comment(user: User, comment: Comment, *, now: datetime | None = None) -> bool:
    """Authors may edit their own comment for a short while after posting it."""
    now = now or timezone.now()
    return (
        user.is_authenticated
        and user.pk == comment.author_id
        and not comment.is_hidden
        and now - comment.created_at <= COMMENT_EDIT_WINDOW
    )


def can_delete_comment(user: User, comment: Comment) -> bool:
    return user.is_authenticated and (user.pk == comment.author_id or can_moderate_comments(user))


def comment_edit(*, comment: Comment, by: User, body: str) -> Comment:
    if not can_edit_comment(by, comment):
        raise PermissionDenied("You can no longer edit this comment.")
    comment.body = body
    _validated(comment)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment: Comment, by: User) -> None:
    if not can_delete_comment(by, comment):
        raise PermissionDenied("You cannot delete this comment.")
    comment.delete()


def comment_set_hidden(*, comment: Comment, by: User, hidden: bool) -> Comment:
    """Moderation: hide a comment from readers, or show it again."""
    if not can_moderate_comments(by):
        raise PermissionDenied("Only moderators can hide comments.")
    if comment.is_hidden != hidden:
        comment.is_hidden = hidden
        comment.save(update_fields=["is_hidden"])
    return comment


# --- Likes and bookmarks ---------------------------------------------------------


@dataclass(frozen=True)
class ToggleState:
    """The state after a like or bookmark write, as both faces report it."""

    active: bool
    count: int


def _require_reader(user: User, article: Article) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in first.")
    if not article.is_published:
        raise PermissionDenied("This article cannot be liked or bookmarked.")


def _set(model, *, user: User, article: Article, active: bool) -> ToggleState:
    _require_reader(user, article)
    with transaction.atomic():
        if active:
            model.objects.get_or_create(user=user, article=article)
        else:
            model.objects.filter(user=user, article=article).delete()
    return ToggleState(active=active, count=model.objects.filter(article=article).count())


def like_set(*, user: User, article: Article) -> ToggleState:
    """Like an article; liking twice is the same as once."""
    return _set(Like, user=user, article=article, active=True)


def like_unset(*, user: User, article: Article) -> ToggleState:
    return _set(Like, user=user, article=article, active=False)


def bookmark_set(*, user: User, article: Article) -> ToggleState:
    """Bookmark an article; bookmarking twice is the same as once."""
    return _set(Bookmark, user=user, article=article, active=True)


def bookmark_unset(*, user: User, article: Article) -> ToggleState:
    return _set(Bookmark, user=user, article=article, active=False)


# --- Publishing ------------------------------------------------------------------


def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at`. A published article keeps its original date
    unless `at` is given."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


def article_unpublish(*, article: Article) -> Article:
    """Back to draft: gone from every public surface at once."""
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    return article
