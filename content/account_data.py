"""The reader's own data: a copy of it to take away (export) and its deletion.

Both faces (pages/views.py, api/account_data.py) call these; the rules live here once
(README "Accounts and authentication").

Export: one JSON document of the reader's own account, addresses, comments, likes and
bookmarks, built by a task and offered for download for ACCOUNT_EXPORT_DAYS days, at
most one started per ACCOUNT_EXPORT_INTERVAL.

Deletion: confirmed with the password, or for an account without one by a mailed,
time-limited link. The User row stays as an anonymous "deleted reader" (no personal
field left, no way to sign in); ACCOUNT_DELETION_COMMENTS says whether the reader's
comments stay under that name ("keep") or go ("remove").
"""

import functools
import json
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from content import sessions
from content.models import (
    AccountExport,
    ArticleAutosave,
    ArticlePresence,
    Bookmark,
    Comment,
    CommentReport,
    IdempotencyKey,
    Like,
    Notification,
    User,
)
from content.site import absolute_url

DELETION_SALT = "content.account_data.delete"
EXPORT_FORMAT = "gazette-account-export/1"


class ExportTooSoon(Exception):
    """A reader asked for another export within ACCOUNT_EXPORT_INTERVAL."""

    def __init__(self, wait_seconds):
        self.wait_seconds = wait_seconds
        super().__init__(
            f"You can ask for a copy of your data once a day; try again in {_hours(wait_seconds)}."
        )


class DeletionRefused(Exception):
    """This account cannot be deleted by its owner (the message says why)."""


# --- Export ------------------------------------------------------------------------------


def latest_export(user):
    """The reader's most recent export, or None."""
    return user.account_exports.order_by("-requested_at", "-id").first()


def export_state(export):
    """ "none", "building", "ready" or "expired"."""
    if export is None:
        return "none"
    if export.ready_at is None:
        return "building"
    if export.expires_at <= timezone.now():
        return "expired"
    return "ready"


def offered_export(user, pk):
    """The reader's export `pk` while it can be downloaded, else None (another reader's,
    still building, or expired): the same answer for each, so nothing is given away."""
    export = AccountExport.objects.filter(user=user, pk=pk).first()
    return export if export_state(export) == "ready" else None


def export_filename(export):
    return f"gazette-{export.user.username}-{export.requested_at:%Y%m%d}.json"


def export_request(user):
    """Start building the reader's export (the task runs once this commits). Raises
    ExportTooSoon within ACCOUNT_EXPORT_INTERVAL of the last one. Counted in the
    database, on the reader's locked row: exact across app servers and cache outages."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        last = latest_export(user)
        interval = timedelta(seconds=settings.ACCOUNT_EXPORT_INTERVAL)
        if last is not None and last.requested_at > timezone.now() - interval:
            wait = (last.requested_at + interval - timezone.now()).total_seconds()
            raise ExportTooSoon(wait)
        export = AccountExport.objects.create(user=user)
        transaction.on_commit(functools.partial(build_export.enqueue, export.pk))
    return export


@task()
def build_export(export_id):
    """Build one export's JSON, offer it for ACCOUNT_EXPORT_DAYS and tell its reader."""
    with transaction.atomic():
        export = (
            AccountExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, ready_at__isnull=True)
            .first()
        )
        if export is None:  # built already, or the account is gone
            return
        now = timezone.now()
        export.data = json.dumps(
            export_document(export.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        export.ready_at = now
        export.expires_at = now + timedelta(days=settings.ACCOUNT_EXPORT_DAYS)
        export.save(update_fields=["data", "ready_at", "expires_at"])
        forget_expired_exports.call()
        if forget_expired_exports.get_backend().supports_defer:
            # Gone on time even if nobody asks for an export again.
            later = forget_expired_exports.using(run_after=export.expires_at)
            transaction.on_commit(later.enqueue)
        user = export.user
        if user.email:
            context = {
                "user": user,
                "expires_at": export.expires_at,
                "export_url": absolute_url(reverse("account_export")),
            }
            send_mail(
                f"[{settings.SITE_NAME}] Your data is ready to download",
                render_to_string("account_data/export_ready_email.txt", context),
                None,
                [user.email],
            )


@task()
def forget_expired_exports():
    """Empty every export past its time: the data is not kept beyond what was offered."""
    AccountExport.objects.filter(expires_at__lte=timezone.now()).exclude(data="").update(data="")


def export_document(user):
    """Everything the site holds that is the reader's own, and nothing of anyone else:
    other readers appear only as the id of the comment a reply answers."""

    def article(article):
        return {"title": article.title, "url": absolute_url(article.get_absolute_url())}

    comments = Comment.objects.filter(author=user).select_related("article").order_by("id")
    marks = {
        kind: model.objects.filter(user=user).select_related("article").order_by("created_at")
        for kind, model in (("likes", Like), ("bookmarks", Bookmark))
    }
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "bio": user.bio,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "notifications": {
                "email_on_reply": user.email_on_reply,
                "email_on_article_comment": user.email_on_article_comment,
            },
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "comments": [
            {
                "id": comment.pk,
                "body": comment.body,
                "created_at": comment.created_at,
                "edited_at": comment.edited_at,
                "hidden": comment.is_hidden,
                "in_reply_to": comment.parent_id,
                "url": absolute_url(comment.get_absolute_url()),
                "article": article(comment.article),
            }
            for comment in comments
        ],
        **{
            kind: [
                {"created_at": mark.created_at, "article": article(mark.article)} for mark in rows
            ]
            for kind, rows in marks.items()
        },
    }


# --- Deletion ----------------------------------------------------------------------------


def deletion_refusal(user):
    """Why `user` may not delete their own account, or None. Staff accounts carry the
    site's work and permissions (an administrator closes them); the last active
    superuser would leave nobody able to administer the site."""
    if user.is_staff:
        return "Staff accounts cannot be deleted here; ask an administrator."
    if (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        return "The last superuser cannot delete their account."
    return None


def deletion_token(user):
    """The mailed link's token for an account without a password: it names the reader
    and expires after ACCOUNT_DELETION_LINK_HOURS; a deleted account ignores it."""
    return signing.dumps({"user": user.pk}, salt=DELETION_SALT)


def read_deletion_token(token):
    """The still-active reader a token names, or None (forged, expired, already gone)."""
    try:
        data = signing.loads(
            token, salt=DELETION_SALT, max_age=settings.ACCOUNT_DELETION_LINK_HOURS * 3600
        )
        return User.objects.get(pk=data["user"], is_active=True, deleted_at__isnull=True)
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return None


def deletion_link_send(user):
    """E-mail a passwordless reader the link that confirms their account's deletion."""
    if refusal := deletion_refusal(user):
        raise DeletionRefused(refusal)
    context = {
        "user": user,
        "hours": settings.ACCOUNT_DELETION_LINK_HOURS,
        "confirm_url": absolute_url(reverse("account_delete_confirm", args=[deletion_token(user)])),
    }
    send_mail(
        f"[{settings.SITE_NAME}] Confirm deleting your account",
        render_to_string("account_data/delete_confirm_email.txt", context),
        None,
        [user.email],
    )


def account_delete(user):
    """Delete the reader's account in one transaction: personal data, marks, sessions
    and tokens go; comments stay as "deleted reader" or go (ACCOUNT_DELETION_COMMENTS).
    Raises DeletionRefused for staff and the last superuser. Every page that showed the
    name or a count changes at once: the deletions and the user's save bump versions
    through content.versions' signals (QuerySet.delete() sends them per row)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if refusal := deletion_refusal(user):
            raise DeletionRefused(refusal)
        address = user.email
        if settings.ACCOUNT_DELETION_COMMENTS == "remove":
            Comment.objects.filter(author=user).delete()  # replies stay: SET_NULL
        for model, field in (
            (Like, "user"),
            (Bookmark, "user"),
            (Notification, "recipient"),
            # A report is the reader's own words about someone else's comment; what a
            # moderator decided stays on the comment.
            (CommentReport, "reporter"),
            (AccountExport, "user"),
            (IdempotencyKey, "user"),
            (ArticleAutosave, "user"),
            (ArticlePresence, "user"),
            (EmailAddress, "user"),
            (SocialAccount, "user"),
        ):
            model.objects.filter(**{field: user}).delete()
        sessions.end_sessions(user)  # every session and refresh token
        user.username = f"deleted-{secrets.token_hex(8)}"
        for field in ("email", "first_name", "last_name", "display_name", "bio"):
            setattr(user, field, "")
        user.set_unusable_password()
        user.is_active = False
        user.email_on_reply = user.email_on_article_comment = False
        user.last_login = None
        user.deleted_at = timezone.now()
        user.groups.clear()
        user.user_permissions.clear()
        user.save()  # bumps "site": every page showing the name is out of date
        if address:
            send_mail(
                f"[{settings.SITE_NAME}] Your account is deleted",
                render_to_string(
                    "account_data/deleted_email.txt",
                    {"comments": settings.ACCOUNT_DELETION_COMMENTS},
                ),
                None,
                [address],
            )
    return user


def _hours(seconds):
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"
