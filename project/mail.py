"""E-mail as a task: nothing is sent inside a request.

Django has no queued e-mail backend and django-tasks ships none, so this is one: it
stores each message as a task once the current transaction commits (a rolled-back
sign-up sends nothing), and the worker delivers it through the backend EMAIL_URL names.
A delivery that fails (mail server down or refusing) is tried again after each of
EMAIL_RETRY_DELAYS; every failed attempt stays in the task list with its reason.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task


def _as_task_arguments(message):
    """A message as JSON: what the site's e-mails carry (no attachments)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": message.to,
        "cc": message.cc,
        "bcc": message.bcc,
        "reply_to": message.reply_to,
        "headers": message.extra_headers,
        "alternatives": [list(alternative) for alternative in getattr(message, "alternatives", [])],
    }


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            if message.attachments:
                raise ValueError("Queued e-mail carries no attachments.")
            arguments = _as_task_arguments(message)
            transaction.on_commit(lambda arguments=arguments: deliver_email.enqueue(arguments))
        return len(email_messages)


@task()
def deliver_email(message, attempt=1):
    """Send one message through EMAIL_URL's backend; on failure, enqueue the next
    attempt (if any is left) and fail this one with the reason."""
    fields = {**message, "alternatives": [tuple(pair) for pair in message["alternatives"]]}
    try:
        with get_connection(settings.EMAIL_DELIVERY_BACKEND) as connection:
            EmailMultiAlternatives(connection=connection, **fields).send()
    except Exception:
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt <= len(delays) and deliver_email.get_backend().supports_defer:
            run_after = timezone.now() + timedelta(seconds=delays[attempt - 1])
            deliver_email.using(run_after=run_after).enqueue(message, attempt=attempt + 1)
        raise
