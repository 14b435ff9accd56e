"""E-mail notifications about comments: who is told, one e-mail per burst, and the
signed unsubscribe token.

A new comment owes an e-mail to the author of the comment it answers ("reply") and to
the article's author ("article_comment"), each if they kept that kind on, never to the
one who wrote it, and once per person (a reply wins). What is owed is a Notification
row, stored in the comment's own transaction; once it commits, a task for that person
is queued NOTIFICATION_DELAY seconds ahead. The first of those tasks to run sends every
row still owed to the person as one e-mail and marks them sent, so a burst of twenty
replies inside the delay is one e-mail; the tasks after it find nothing to send.
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from content.models import Comment, Notification, User
from content.site import absolute_url

# Which of the reader's choices turns each kind off.
CHOICE_OF_KIND = {
    Notification.Kind.REPLY: "email_on_reply",
    Notification.Kind.ARTICLE_COMMENT: "email_on_article_comment",
}
UNSUBSCRIBE_SALT = "content.notifications.unsubscribe"


def _wants(user, kind):
    return user.is_active and bool(user.email) and getattr(user, CHOICE_OF_KIND[kind])


def notify_about(comment: Comment, *, answered: Comment | None = None) -> None:
    """Store what `comment` owes whom (inside the caller's transaction) and queue each
    person's e-mail once it commits. `answered`: the comment it replies to, which may be
    a reply itself (the thread's root is then `comment.parent`). A comment held for a
    moderator tells nobody: it is not shown, and a late e-mail about it would confuse."""
    if comment.is_hidden:
        return
    owed = {}
    if answered is not None and _wants(answered.author, Notification.Kind.REPLY):
        owed[answered.author_id] = Notification.Kind.REPLY
    article_author = comment.article.author
    if _wants(article_author, Notification.Kind.ARTICLE_COMMENT):
        owed.setdefault(article_author.pk, Notification.Kind.ARTICLE_COMMENT)
    owed.pop(comment.author_id, None)
    Notification.objects.bulk_create(
        Notification(recipient_id=recipient_id, comment=comment, kind=kind)
        for recipient_id, kind in owed.items()
    )
    for recipient_id in owed:
        transaction.on_commit(functools.partial(_queue_email, recipient_id))


def _queue_email(recipient_id):
    delay = settings.NOTIFICATION_DELAY
    send = send_notifications
    if delay and send.get_backend().supports_defer:
        send = send.using(run_after=timezone.now() + timedelta(seconds=delay))
    send.enqueue(recipient_id)


@task()
def send_notifications(recipient_id):
    """Send everything still owed to one reader as one e-mail. The rows are claimed in
    the transaction that queues the e-mail, so two workers never send them twice."""
    with transaction.atomic():
        owed = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id=recipient_id, sent_at__isnull=True)
            .select_related("recipient", "comment__author", "comment__article")
            .order_by("created_at", "id")
        )
        if not owed:
            return 0
        Notification.objects.filter(pk__in=[row.pk for row in owed]).update(sent_at=timezone.now())
        # Hidden since, or its reader turned the kind off meanwhile: not sent.
        shown = [
            row for row in owed if not row.comment.is_hidden and _wants(row.recipient, row.kind)
        ]
        if shown:
            _email(shown[0].recipient, shown).send()
        return len(shown)


def _email(recipient, rows):
    kinds = sorted({row.kind for row in rows})
    unsubscribe_url = absolute_url(
        reverse("pages:notifications-unsubscribe", args=[unsubscribe_token(recipient, kinds)])
    )
    context = {
        "recipient": recipient,
        "rows": [(row, absolute_url(row.comment.get_absolute_url())) for row in rows],
        "unsubscribe_url": unsubscribe_url,
        "kinds": [Notification.Kind(kind).label for kind in kinds],
        "account_url": absolute_url(reverse("account")),
    }
    if len(rows) == 1:
        row = rows[0]
        subject = f"{row.comment.author.public_name} commented: {row.comment.article.title}"
        if row.kind == Notification.Kind.REPLY:
            subject = (
                f"{row.comment.author.public_name} replied to you: {row.comment.article.title}"
            )
    else:
        subject = f"{len(rows)} new comments for you"
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string("notifications/email.txt", context),
        to=[recipient.email],
        # RFC 8058: mail clients offer "Unsubscribe" and POST to it, no sign-in needed.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def unsubscribe_token(user, kinds):
    """A link that turns `kinds` off for `user` without signing in. It does not expire
    (an old e-mail's link must still work) and can do nothing but turn e-mails off."""
    return signing.dumps({"user": user.pk, "kinds": list(kinds)}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """The user and kinds a token names; None for a token this site did not make or
    whose reader no longer exists."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [Notification.Kind(kind) for kind in data["kinds"]]
        user = User.objects.get(pk=data["user"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        return None
    return user, kinds


def notifications_set(*, user, **choices):
    """Turn kinds of e-mail on or off (`email_on_reply=False`, …). Saves only those
    fields, which change nothing any page shows (content.versions)."""
    for name, value in choices.items():
        if name not in CHOICE_OF_KIND.values():
            raise TypeError(f"Not a notification choice: {name}")
        setattr(user, name, value)
    user.save(update_fields=list(choices))


def unsubscribe(user, kinds):
    notifications_set(user=user, **{CHOICE_OF_KIND[kind]: False for kind in kinds})
