"""E-mail through the task queue as production runs it: gunicorn on a SQLite file with a
real `db_worker` process beside it, delivering to a real SMTP server (tests/smtp.py).

A sign-up answers whatever the mail server does (stalled, down), because the request
only stores a task; the worker delivers it once the server is back. A worker killed with
SIGKILL, idle or in the middle of a delivery, loses no task: the next worker takes the
abandoned one back after TASK_LEASE (content/task_worker.py). Meanwhile /readyz names
the silent worker. With TASK_BACKEND=rq, RQ's own worker does the same on Redis.

Delivery is at least once; in these runs each e-mail arrives exactly once, since the
killed worker was waiting for the stalled server's greeting, before any message was
accepted.
"""

import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from rq.registry import FailedJobRegistry

from bench.server import ROOT, SQLITE_FILE, free_port, production_env, stop
from tests.ops.client import Client
from tests.ops.conftest import UNTHROTTLED_RATES, LiveServer, in_site_shell, start_servers
from tests.smtp import SMTPServer

PASSWORD = "ops-test-password-not-a-secret"
# Short, so that a test sees a retry, a lease run out and a worker go silent.
SHORT_TIMES = {
    "EMAIL_TIMEOUT": 1,
    "EMAIL_RETRY_DELAYS": ",".join(["0.3"] * 50),
    "TASK_LEASE": 2,
    # A live worker beats every 1 s (a third of this).
    "TASK_WORKER_SILENCE": 3,
    "NOTIFICATION_DELAY": 1,
}
DB_WORKER = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"]
RQ_WORKER = [
    sys.executable,
    *("manage.py", "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job"),
]
WAIT_SECONDS = 15


def start_process(command, env, log_path):
    with Path(log_path).open("a") as log:
        return subprocess.Popen(  # noqa: S603 - our own manage.py
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait()


def eventually(condition, what, timeout=WAIT_SECONDS):
    """Wait for `condition()` to be truthy; return its value, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)
    return value


def sign_up(url, username):
    """Sign up through the site's own form, as a reader without JavaScript does; return
    the answer's status and the address."""
    client = Client(url)
    token = client.fetch_csrf_token()
    address = f"{username}@example.com"
    answer = client.post(
        "/accounts/signup/",
        form={
            "csrfmiddlewaretoken": token,
            "email": address,
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        # A browser's: allauth answers a request that accepts JSON in JSON.
        headers={"Accept": "text/html"},
    )
    return answer.status, address


def received_by(smtp, address):
    return [message for message in smtp.messages if message["To"] == address]


@dataclass
class QueueSite:
    app: LiveServer
    smtp: SMTPServer
    workdir: Path
    worker: subprocess.Popen
    workers: list = field(default_factory=list)

    def start_worker(self, **overrides):
        """A new `db_worker` process, now the site's worker."""
        env = {**self.app.env, **{name: str(value) for name, value in overrides.items()}}
        self.worker = start_process(DB_WORKER, env, self.workdir / "worker.log")
        self.workers.append(self.worker)
        return self.worker

    def tasks(self, status):
        """How many tasks of the queue are in `status`, read from the site's database."""
        # production_env's database file.
        with sqlite3.connect(f"file:{self.workdir / SQLITE_FILE}?mode=ro", uri=True) as database:
            (count,) = database.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = ?",
                (status,),
            ).fetchone()
        return count

    def queue_is_empty(self):
        return self.tasks("READY") == 0 and self.tasks("RUNNING") == 0

    def readyz(self):
        answer = Client(self.app.url).get("/readyz")
        return answer.status, answer.json()


@pytest.fixture(scope="module")
def queue_site(tmp_path_factory, static_root, migrated_sqlite):
    """gunicorn on SQLite (1 worker × 2 threads) and a db_worker, the database queue,
    e-mail to a real SMTP server. gunicorn counts as started once /readyz is 200, which
    needs the worker's heartbeat."""
    workdir = tmp_path_factory.mktemp("task-queue")
    smtp = SMTPServer()
    env = production_env(
        workdir,
        free_port(),
        STATIC_ROOT=static_root,
        TASK_BACKEND="database",
        EMAIL_URL=smtp.url,
        WEB_CONCURRENCY=1,
        GUNICORN_THREADS=2,
        **SHORT_TIMES,
        **UNTHROTTLED_RATES,
    )
    migrated_sqlite(workdir)
    smtp.start()
    worker = start_process(DB_WORKER, env, workdir / "worker.log")
    site = QueueSite(None, smtp, workdir, worker, [worker])
    try:
        (site.app,) = start_servers((env, workdir / "gunicorn.log"))
        yield site
    finally:
        if site.app is not None:
            site.app.stop()
        for process in site.workers:
            stop(process)
        smtp.stop()


def test_a_sign_up_sends_exactly_one_verification_email(queue_site):
    status, address = sign_up(queue_site.app.url, "first-reader")

    assert status == 302
    queue_site.smtp.wait_for(1)
    eventually(queue_site.queue_is_empty, "the queue empties")
    (message,) = received_by(queue_site.smtp, address)
    assert "/accounts/verify-email/" in message.get_body(("plain",)).get_content()


def test_sign_up_answers_while_the_mail_server_is_stalled_or_down_and_the_mail_comes_later(
    queue_site,
):
    smtp = queue_site.smtp
    # Stalled: a send in the request would wait for its greeting, then fail (EMAIL_TIMEOUT).
    smtp.stall()
    while_stalled = sign_up(queue_site.app.url, "stalled-reader")
    # Down: a send in the request would be refused.
    smtp.stop()
    while_down = sign_up(queue_site.app.url, "down-reader")
    smtp.start()

    assert [while_stalled[0], while_down[0]] == [302, 302]
    eventually(lambda: received_by(smtp, while_down[1]), "the e-mail after the outage")
    eventually(queue_site.queue_is_empty, "the queue empties")
    assert len(received_by(smtp, while_stalled[1])) == 1
    assert len(received_by(smtp, while_down[1])) == 1
    assert queue_site.tasks("FAILED") > 0, "the failed attempts stay, with their reason"


def test_a_reply_emails_its_reader_once_and_the_links_unsubscribe_them(queue_site):
    """Through the site and the worker: one e-mail to the author of the answered
    comment, whose link (GET: a page that asks) and one-click POST (a mail client's: no
    cookies, no CSRF token) work without signing in."""
    site = queue_site
    ((asker, answerer), article) = in_site_shell(
        site.app.env,
        ("readers", {"prefix": "notified", "count": 2, "password": PASSWORD}),
        ("published_article", {"title": "Harbour notices"}),
    )
    comments = f"/api/v1/articles/{article['slug']}/comments/"
    asking = Client(site.app.url)
    asking.sign_in(asker["username"], PASSWORD)
    root = asking.post(comments, json_body={"body": "Who lights the lamp?"})
    answering = Client(site.app.url)
    answering.sign_in(answerer["username"], PASSWORD)
    reply = answering.post(comments, json_body={"body": "The keeper.", "parent": root.json()["id"]})
    assert (root.status, reply.status) == (201, 201)

    address = f"{asker['username']}@example.com"
    (message,) = eventually(lambda: received_by(site.smtp, address), "the reply's e-mail")
    assert "The keeper." in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto a second line.
    unsubscribe = re.fullmatch(r"<(.+)>", "".join(message["List-Unsubscribe"].split()))[1]
    path = urllib.parse.urlsplit(unsubscribe).path

    page = Client(site.app.url).get(path, headers={"Accept": "text/html"})
    assert page.status == 200
    assert "Unsubscribe</button>" in page.text
    assert asking.get("/api/v1/auth/user/").json()["email_on_reply"] is True
    one_click = Client(site.app.url).post(path, form={"List-Unsubscribe": "One-Click"})
    assert one_click.status == 200
    assert asking.get("/api/v1/auth/user/").json()["email_on_reply"] is False
    eventually(site.queue_is_empty, "the queue empties")
    assert len(received_by(site.smtp, address)) == 1


def test_a_killed_worker_loses_no_task_and_readyz_names_it_until_another_runs(queue_site):
    site = queue_site
    kill(site.worker)  # idle
    status, address = sign_up(site.app.url, "queued-reader")
    assert status == 302
    assert site.tasks("READY") == 1

    status, answer = eventually(
        lambda: (ready := site.readyz())[0] == 503 and ready, "/readyz says 503"
    )
    assert answer["worker"].startswith("not seen for ")

    # A worker takes the task and waits for the stalled server's greeting: killed there.
    site.smtp.stall()
    site.start_worker(EMAIL_TIMEOUT=60)
    eventually(lambda: site.readyz()[0] == 200, "/readyz is 200 with a worker again")
    eventually(lambda: site.tasks("RUNNING") == 1, "a worker takes the task")
    kill(site.worker)
    site.smtp.slow(0)
    assert not received_by(site.smtp, address)

    site.start_worker()
    eventually(lambda: received_by(site.smtp, address), "the abandoned task runs again")
    eventually(site.queue_is_empty, "the queue empties")
    assert len(received_by(site.smtp, address)) == 1


def test_rq_workers_deliver_and_retry_when_the_task_backend_is_rq(
    tmp_path, static_root, ops_postgres_url, ops_redis_url, smtp_server
):
    """TASK_BACKEND=rq on PostgreSQL and Redis: `rqworker --with-scheduler` delivers a
    sign-up's e-mail, and its scheduler runs the retry after the mail server was down."""
    env = production_env(
        tmp_path,
        free_port(),
        STATIC_ROOT=static_root,
        DATABASE_URL=ops_postgres_url,
        REDIS_URL=ops_redis_url,
        TASK_BACKEND="rq",
        EMAIL_URL=smtp_server.url,
        WEB_CONCURRENCY=1,
        GUNICORN_THREADS=2,
        **SHORT_TIMES,
        **UNTHROTTLED_RATES,
    )
    worker = start_process(RQ_WORKER, env, tmp_path / "rqworker.log")
    try:
        # Started once /readyz is 200, which needs RQ's worker registered in Redis.
        (app,) = start_servers((env, tmp_path / "gunicorn.log"))
        try:
            smtp_server.stop()
            status, address = sign_up(app.url, "rq-reader")
            assert status == 302
            failed = FailedJobRegistry("default", connection=redis.Redis.from_url(ops_redis_url))
            eventually(lambda: failed.count, "the first attempt fails")
            smtp_server.start()
            eventually(lambda: received_by(smtp_server, address), "the e-mail through RQ")
        finally:
            app.stop()
    finally:
        stop(worker)
    assert len(received_by(smtp_server, address)) == 1
