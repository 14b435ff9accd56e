"""Every write that pages and API share, as small keyword-only functions.

Views parse input and shape output; the rules (who may do what, what is valid)
live here. A refused write raises `PermissionDenied` or `ValidationError` and
changes nothing.
"""

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import (
    IDEMPOTENCY_KEY_LIFETIME,
    PUBLICATION_FIELDS,
    Article,
    ArticleAutosave,
    ArticlePresence,
    Bookmark,
    Comment,
    CommentReport,
    IdempotencyKey,
    Like,
    Tag,
    User,
    can_add_articles,
    can_change_any_article,
    can_change_article,
    can_delete_article,
    can_moderate_comments,
    can_publish_articles,
)
from content.notifications import notify_about

COMMENT_EDIT_WINDOW = timedelta(minutes=15)


# --- Comments ------------------------------------------------------------------


def _validated(comment: Comment) -> Comment:
    comment.body = comment.body.strip()
    # comment_create checks the parent from the loaded object: no query here.
    comment.full_clean(exclude=["article", "author", "parent"])
    return comment


REPLY_REFUSED = "Reply to a comment shown on this article."


def comment_create(
    *, article: Article, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """Post a comment, or a reply to `parent`. Only published articles take comments.

    One level of nesting: an answer to a reply joins its thread's root. The parent must
    be a comment every reader sees on this article (not hidden): the same refusal for
    any other, so it tells nothing about comments the author cannot see."""
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied("Sign in to comment.")
    if not article.is_published:
        raise PermissionDenied("This article does not take comments.")
    if parent is not None and not can_reply_to(parent, article):
        raise ValidationError({"parent": REPLY_REFUSED})
    root_id = parent and (parent.parent_id or parent.pk)
    comment = _validated(Comment(article=article, author=author, body=body, parent_id=root_id))
    comment.awaiting_moderation = comment.is_hidden = held_for_links(author, comment.body)
    with transaction.atomic():
        comment.save()
        notify_about(comment, answered=parent)
    return comment


def can_reply_to(parent: Comment, article: Article) -> bool:
    """Replies go to comments every reader sees: not hidden, on this published article.
    (A visible reply in the thread of a hidden root may still be answered.)"""
    return parent.article_id == article.pk and article.is_published and not parent.is_hidden


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
    # Links added by an edit wait for a moderator as they would in a new comment.
    comment.awaiting_moderation = comment.is_hidden = held_for_links(by, comment.body)
    comment.save(update_fields=["body", "edited_at", "awaiting_moderation", "is_hidden"])
    return comment


def comment_delete(*, comment: Comment, by: User) -> None:
    if not can_delete_comment(by, comment):
        raise PermissionDenied("You cannot delete this comment.")
    comment.delete()


def comment_set_hidden(*, comment: Comment, by: User, hidden: bool) -> Comment:
    """Moderation: hide a comment from readers, or show it again. Wherever a moderator
    decides (the admin's checkbox or actions, the API), the decision ends a hold by the
    site (reports, links) and resolves the comment's open reports as hidden or kept."""
    if not can_moderate_comments(by):
        raise PermissionDenied("Only moderators can hide comments.")
    resolution = CommentReport.Resolution.HIDDEN if hidden else CommentReport.Resolution.KEPT
    with transaction.atomic():
        resolved = comment.reports.filter(resolution=CommentReport.Resolution.OPEN).update(
            resolution=resolution, resolved_at=timezone.now(), resolved_by=by
        )
        if resolved or comment.is_hidden != hidden or comment.awaiting_moderation:
            comment.is_hidden, comment.awaiting_moderation = hidden, False
            # A save, not an update: the article's pages change with it (content/versions.py).
            comment.save(update_fields=["is_hidden", "awaiting_moderation"])
    return comment


# --- Reports and moderation -------------------------------------------------------

# Comments are plain text: a link is whatever a reader's client would make one of.
LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S")


def held_for_links(author: User, body: str) -> bool:
    """Whether a comment waits for a moderator: an account younger than NEW_ACCOUNT_DAYS
    days with more than COMMENT_MAX_LINKS_NEW_ACCOUNT links. The account's age, not its
    number of comments, since a spammer can post a few harmless ones first but cannot
    make an account older."""
    new = timezone.now() - author.date_joined < timedelta(days=settings.NEW_ACCOUNT_DAYS)
    return new and len(LINK.findall(body)) > settings.COMMENT_MAX_LINKS_NEW_ACCOUNT


def can_report_comment(user: User, comment: Comment) -> bool:
    """Signed-in readers may report others' comments; one's own is deleted, not reported."""
    return user.is_authenticated and user.is_active and user.pk != comment.author_id


class AlreadyReported(ValidationError):
    """The reader has reported this comment before (a 409 in the API)."""

    def __init__(self):
        super().__init__("You have already reported this comment.", code="already_reported")


def comment_report(*, comment: Comment, by: User, reason: str) -> CommentReport:
    """A reader reports a comment, once. Open reports from COMMENT_REPORTS_TO_HIDE
    distinct readers hide it until a moderator decides (`comment_set_hidden`)."""
    if not can_report_comment(by, comment):
        raise PermissionDenied("You cannot report this comment.")
    report = CommentReport(comment=comment, reporter=by, reason=reason)
    report.full_clean(exclude=["comment", "reporter"], validate_unique=False)
    with transaction.atomic():
        # One report at a time per comment, so that the count below sees every report
        # before it: two readers reporting at once cannot both miss the threshold.
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if CommentReport.objects.filter(comment=comment, reporter=by).exists():
            raise AlreadyReported()
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:  # the same reader twice at once
            raise AlreadyReported() from error
        reporters = comment.reports.filter(resolution=CommentReport.Resolution.OPEN).count()
        if not comment.is_hidden and reporters >= settings.COMMENT_REPORTS_TO_HIDE:
            comment.is_hidden = comment.awaiting_moderation = True
            comment.save(update_fields=["is_hidden", "awaiting_moderation"])
    return report


# --- Idempotent writes ----------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The key came before with a different request."""


def idempotent(*, user: User, key: str | None, request: object, write: Callable[[], object]):
    """`write()` once per reader and key: its answer (whatever JSON holds) is saved with
    the key in the write's own transaction, and a repeat of the request within
    IDEMPOTENCY_KEY_LIFETIME gets that answer back and writes nothing. Returns
    `(answer, repeated)`; without a key, `(write(), False)`.

    `request` is what the reader asked (method, address, body): the same key with
    another request raises IdempotencyKeyReused. A write that raises saves no key, so
    a retry writes afresh. A concurrent repeat waits for the first one's transaction
    (the key's unique constraint) and gets its answer. Keys expire here, on write: a
    reader's expired keys go with their next keyed write, all of them with the account.
    """
    if key is None:
        return write(), False
    fingerprint = hashlib.sha256(
        json.dumps(request, sort_keys=True, cls=DjangoJSONEncoder).encode()
    ).hexdigest()
    with transaction.atomic():
        IdempotencyKey.objects.filter(
            user=user, created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME
        ).delete()
        record, created = IdempotencyKey.objects.get_or_create(
            user=user, key=key, defaults={"fingerprint": fingerprint}
        )
        if not created:
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            return record.answer, True
        record.answer = write()
        record.save(update_fields=["answer"])
    return record.answer, False


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


# --- Writing articles ------------------------------------------------------------


class EditConflict(Exception):
    """Someone saved the article since the revision the editor started from."""

    def __init__(self, current: Article):
        super().__init__(f"{current.title!r} was saved since (now revision {current.revision}).")
        self.current = current


def article_save(*, article: Article, based_on: int, **save_options) -> Article:
    """Save `article` (changed in memory) if nobody saved it since revision `based_on`,
    the one the form or API client started from; else raise EditConflict with the
    article as stored, and store nothing. Optimistic: nothing is locked while editing."""
    with transaction.atomic():
        stored = Article.objects.select_for_update().only("revision").get(pk=article.pk)
        if stored.revision != based_on:
            raise EditConflict(Article.objects.select_related("author").get(pk=article.pk))
        article.save(**save_options)
    return article


def _set_article_fields(article: Article, *, by: User, fields: dict) -> None:
    """Set `fields` on `article` as `by` may, as the admin's form lets them: only Editors
    change the author, only those who may publish change the publication fields. A field
    sent with the value it has is no change, so a client may send back what it read."""
    for name, value in fields.items():
        if getattr(article, name) == value:
            continue
        if name == "author" and not can_change_any_article(by):
            raise PermissionDenied("Only editors choose an article's author.")
        if name in PUBLICATION_FIELDS and not can_publish_articles(by):
            raise PermissionDenied("Only editors publish, schedule or feature articles.")
        setattr(article, name, value)
    # Lengths, the slug's form and that it is free (the tags are set after the save).
    article.full_clean(exclude=["tags"])
    article.saved_by = by  # for its revision (content.models._saved_by)


@contextlib.contextmanager
def _slug_taken_meanwhile(article: Article):
    """The slug was free when checked (full_clean) but another article took it before
    this save: the same field error as the check's, not a server error."""
    try:
        yield
    except IntegrityError:
        if not Article.objects.filter(slug=article.slug).exclude(pk=article.pk).exists():
            raise
        raise ValidationError({"slug": "Another article took this address just now."}) from None


def article_create(*, by: User, tags: list[Tag] | None = None, **fields) -> Article:
    """A new article by `by`, with its tags. Authors write their own drafts; Editors may
    name another author and publish, schedule or feature it at once. The slug is made
    from the title when none is given."""
    if not can_add_articles(by):
        raise PermissionDenied("Only the newsroom writes articles.")
    article = Article(author=by)
    _set_article_fields(article, by=by, fields=fields)
    with _slug_taken_meanwhile(article), transaction.atomic():
        article.save()
        article.tags.set(tags or [])
    return article


def article_update(
    *, article: Article, by: User, based_on: int, tags: list[Tag] | None = None, **fields
) -> Article:
    """Change `article` as `by` may (the admin's rules), from revision `based_on`: a save
    since then raises EditConflict and nothing is stored, tags included."""
    if not can_change_article(by, article):
        raise PermissionDenied("You cannot change this article.")
    _set_article_fields(article, by=by, fields=fields)
    with _slug_taken_meanwhile(article), transaction.atomic():
        article_save(article=article, based_on=based_on)
        if tags is not None:
            article.tags.set(tags)
    return article


def article_delete(*, article: Article, by: User) -> None:
    if not can_delete_article(by, article):
        raise PermissionDenied("You cannot delete this article.")
    article.delete()


# Restored from a revision: its content. The address and the author stay as they are
# (an old slug may belong to another article by now); the publication fields only for
# those who may publish, as in the admin's form.
RESTORED_CONTENT = ["title", "summary", "body", "cover_image", "cover_alt", "seo_description"]


def article_restore(*, article: Article, record, by: User) -> Article:
    """Put a revision's content and tags back (`record`, from `article.history`) as a new
    revision, through article_save from the current one: a save that raced it wins, and
    this one raises EditConflict."""
    fields = RESTORED_CONTENT
    if can_publish_articles(by):
        fields = [*fields, *PUBLICATION_FIELDS]
    article.saved_by = by
    # The image's size first: the image field reads the file only when it has none.
    article.cover_width, article.cover_height = record.cover_width, record.cover_height
    for name in fields:
        setattr(article, name, getattr(record, name))
    with transaction.atomic():
        article_save(article=article, based_on=article.revision)
        tag_ids = [row.tag_id for row in record.historicalarticle_tags_set.all()]
        article.tags.set(Tag.objects.filter(pk__in=tag_ids))  # deleted tags stay away
        article.history.filter(revision=article.revision).update(
            history_change_reason=f"Restored revision {record.revision}"
        )
    return article


# --- While a change form is open: autosave and presence ---------------------------

# The fields of the change form that autosave keeps, at most once every AUTOSAVE_INTERVAL
# while they change (the form's JavaScript is told so by the page).
AUTOSAVED_FIELDS = ("title", "summary", "body")
AUTOSAVE_INTERVAL = timedelta(seconds=3)
# An open change form says it is there every PRESENCE_INTERVAL; one not heard of for
# PRESENCE_WINDOW (two missed beats and some) has gone.
PRESENCE_INTERVAL = timedelta(seconds=15)
PRESENCE_WINDOW = timedelta(seconds=40)


def _require_editor(user: User, article: Article) -> None:
    if not can_change_article(user, article):
        raise PermissionDenied("Only staff who may change this article can do this.")


def autosave_store(*, article: Article, user: User, **fields: str) -> ArticleAutosave:
    """Keep `user`'s unsaved text of `article` (AUTOSAVED_FIELDS), replacing their last
    autosave. The article itself is not touched."""
    _require_editor(user, article)
    autosave, _ = ArticleAutosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            **{name: fields.get(name, "") for name in AUTOSAVED_FIELDS},
            "saved_at": timezone.now(),
        },
    )
    return autosave


def autosave_discard(*, article: Article, user: User) -> None:
    """Forget `user`'s autosave of `article`: they saved the form, or chose to discard."""
    ArticleAutosave.objects.filter(article=article, user=user).delete()


def autosave_to_offer(*, article: Article, user: User) -> ArticleAutosave | None:
    """`user`'s own autosave of `article` when it is newer than the article's last save:
    text they typed and never saved. An older one was overtaken by a save."""
    return ArticleAutosave.objects.filter(
        article=article, user=user, saved_at__gt=article.updated_at
    ).first()


def presence_heartbeat(*, article: Article, user: User) -> list[User]:
    """Record that `user` has `article`'s change form open; return the other staff who
    have it open too (heard of within PRESENCE_WINDOW), by name. Nothing is locked."""
    _require_editor(user, article)
    now = timezone.now()
    ArticlePresence.objects.update_or_create(article=article, user=user, defaults={"seen_at": now})
    # Gone ones, of every article, are deleted here: the table holds only the forms open
    # now, a few rows, and needs no job to empty it.
    ArticlePresence.objects.filter(seen_at__lt=now - PRESENCE_WINDOW).delete()
    others = User.objects.filter(
        pk__in=ArticlePresence.objects.filter(article=article).exclude(user=user).values("user")
    )
    return sorted(others, key=lambda other: other.public_name)


def presence_leave(*, article: Article, user: User) -> None:
    """`user` closed `article`'s change form: the others stop seeing them at once."""
    ArticlePresence.objects.filter(article=article, user=user).delete()


# --- Publishing ------------------------------------------------------------------


def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at`, which must be to come. A published article
    keeps its original date unless `at` is given."""
    if at is not None and at <= timezone.now():
        raise ValidationError({"published_at": "A scheduled time must be in the future."})
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
