"""The task queue as operators see it, in process: /readyz names a silent worker, the
lease gives back a dead worker's task, staff read why a task failed. The same with real
worker processes, a real mail server and SIGKILL: tests/ops/test_task_queue.py."""

import smtplib
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import get_commands
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from content.task_worker import WORKER_SEEN_KEY, record_worker_seen, requeue_abandoned_tasks
from project.mail import deliver_email
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

MESSAGE = {
    "subject": "Hello",
    "body": "Hi",
    "from_email": "noreply@localhost",
    "to": ["ada@example.com"],
    "cc": [],
    "bcc": [],
    "reply_to": [],
    "headers": {},
    "alternatives": [],
}


def test_manage_py_db_worker_is_the_one_with_the_heartbeat():
    assert get_commands()["db_worker"] == "content"


def test_readyz_is_503_when_no_worker_was_ever_seen(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["worker"] == "never seen"


def test_readyz_is_503_naming_how_long_the_worker_has_been_silent(client, settings):
    settings.TASK_WORKER_SILENCE = 60
    cache.set(WORKER_SEEN_KEY, time.time() - 75, timeout=None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["worker"] == "not seen for 75 s"


def test_readyz_is_200_while_a_worker_beats(client):
    record_worker_seen()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


def test_readyz_asks_for_no_worker_when_tasks_run_in_the_request(client, settings):
    settings.TASK_BACKEND = "immediate"

    response = client.get("/readyz")

    assert response.status_code == 200
    assert "worker" not in response.json()


def enqueued(started_seconds_ago=None):
    """A stored delivery task; RUNNING since that long when `started_seconds_ago`."""
    task = DBTaskResult.objects.get(pk=deliver_email.enqueue(MESSAGE).id)
    if started_seconds_ago is not None:
        task.claim("a-worker")
        DBTaskResult.objects.filter(pk=task.pk).update(
            started_at=timezone.now() - timedelta(seconds=started_seconds_ago)
        )
    return task


def status_of(task):
    task.refresh_from_db()
    return task.status


def test_a_task_running_past_its_lease_goes_back_to_the_queue_and_no_other(settings):
    settings.TASK_LEASE = 300
    abandoned = enqueued(started_seconds_ago=301)
    running = enqueued(started_seconds_ago=10)
    waiting = enqueued()

    assert requeue_abandoned_tasks() == 1

    assert status_of(abandoned) == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=abandoned.pk).exists()
    assert status_of(running) == TaskResultStatus.RUNNING
    assert status_of(waiting) == TaskResultStatus.READY


def test_staff_read_why_a_task_failed_in_the_admin(client):
    task = enqueued(started_seconds_ago=1)
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError as error:
        task.set_failed(error)
    client.force_login(StaffFactory(is_superuser=True))

    admin = "admin:django_tasks_database_dbtaskresult"
    listed = client.get(reverse(f"{admin}_changelist") + "?status=FAILED")
    page = client.get(reverse(f"{admin}_change", args=[task.pk]))

    assert str(task.pk) in listed.text
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in page.text


# --- Delivery through a real mail server (tests/smtp.py) ---------------------------


@pytest.fixture
def delivering_to(settings, smtp_server):
    """deliver_email sends to the test's SMTP server, waiting at most 0.5 s per reply."""
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 0.5
    return smtp_server


def send_one():
    mail.get_connection(settings.EMAIL_DELIVERY_BACKEND).send_messages(
        [mail.EmailMessage("Hello", "Hi", "noreply@localhost", ["ada@example.com"])]
    )


@pytest.mark.same_on_every_backend
def test_the_test_mail_server_is_up_slow_stalled_down_and_up_again(delivering_to):
    send_one()
    assert [message["To"] for message in delivering_to.wait_for(1)] == ["ada@example.com"]
    delivering_to.slow(0.05)
    send_one()
    delivering_to.stall()
    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        send_one()
    delivering_to.stop()
    with pytest.raises(ConnectionRefusedError):
        send_one()
    delivering_to.start()
    send_one()
    assert len(delivering_to.wait_for(3)) == 3


@pytest.mark.same_on_every_backend
def test_a_delivery_reaches_the_mail_server(delivering_to):
    deliver_email.call(MESSAGE)

    (message,) = delivering_to.wait_for(1)
    assert (message["To"], message["Subject"]) == ("ada@example.com", "Hello")
    assert message.get_body(("plain",)).get_content().strip() == "Hi"
    assert not DBTaskResult.objects.exists()


def test_a_failed_delivery_is_tried_again_after_each_delay_then_given_up(delivering_to, settings):
    settings.EMAIL_RETRY_DELAYS = [10, 60]
    delivering_to.stop()

    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(MESSAGE)
    (retry,) = DBTaskResult.objects.all()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    waits = (retry.run_after - timezone.now()).total_seconds()
    assert waits == pytest.approx(10, abs=2)

    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(MESSAGE, attempt=3)
    assert DBTaskResult.objects.count() == 1
