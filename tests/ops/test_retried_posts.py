"""Retried posts after a lost answer: 200 comments posted at once to gunicorn on
PostgreSQL and Redis, each with its own Idempotency-Key, and one worker SIGKILLed in the
middle of the burst. A client whose request got no answer (the connection reset or
closed) sends the same body with the same key again, until it gets an answer.

A post the killed worker had committed but not yet answered is found by its retry (the
key is saved in the comment's own transaction) and answered again; one it had not
committed was rolled back with the worker's connection, and its retry writes it. Either
way: 200 comments stored, none twice, and every client ends with a 201.
"""

import http.client
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.server import free_port, production_env
from tests.ops.client import Client
from tests.ops.conftest import (
    PASSWORD,
    PRODUCTION_WORKERS,
    UNTHROTTLED_RATES,
    in_site_shell,
    start_servers,
)

POSTS = 200
READERS = 50  # four posts each
# The kill comes when a quarter of the posts are answered: the rest are in flight or
# queued, the killed worker's share of them with it.
KILL_AFTER_ANSWERS = 50
# A client gives up retrying after this long (the other workers answer at once).
RETRY_SECONDS = 30


@dataclass
class Post:
    reader: dict
    body: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    lost_answers: list = field(default_factory=list)  # the errors of unanswered tries
    answer: object = None


@pytest.fixture(scope="module")
def site(tmp_path_factory, ops_postgres_url, ops_redis_url, static_root):
    """Gunicorn as production runs it (4 workers × 2 threads) on PostgreSQL and Redis, an
    article, and readers holding JWT access tokens, as apps do."""
    workdir = tmp_path_factory.mktemp("retried-posts")
    env = production_env(
        workdir,
        free_port(),
        DATABASE_URL=ops_postgres_url,
        REDIS_URL=ops_redis_url,
        STATIC_ROOT=static_root,
        **PRODUCTION_WORKERS,
        **UNTHROTTLED_RATES,
    )
    article, readers = in_site_shell(
        env,
        ("published_article", {"title": "Posted through a worker's death"}),
        (
            "readers",
            {
                "prefix": "retrier",
                "count": READERS,
                "password": PASSWORD,
                "with_access_tokens": True,
            },
        ),
    )
    (server,) = start_servers((env, workdir / "gunicorn.log"))
    try:
        yield server, article["slug"], readers
    finally:
        server.stop()


def workers_of(server):
    """The pids of gunicorn's worker processes: the children of its arbiter."""
    pid = server.process.pid
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def send(server, slug, post):
    """POST the comment with its key; the answer, or raise what the connection did."""
    client = Client(server.url, bearer=post.reader["access"])
    return client.post(
        f"/api/v1/articles/{slug}/comments/",
        json_body={"body": post.body},
        headers={"Idempotency-Key": post.key},
    )


def send_until_answered(server, slug, post):
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        try:
            post.answer = send(server, slug, post)
            return
        except (OSError, http.client.HTTPException) as error:  # reset, closed, refused
            post.lost_answers.append(type(error).__name__)
            if time.monotonic() > deadline:
                raise


def test_a_worker_killed_mid_burst_loses_no_post_and_doubles_none(site, report_figure):
    server, slug, readers = site
    posts = [
        Post(
            readers[number % READERS],
            f"Post {number} of the burst, from {readers[number % READERS]['username']}.",
        )
        for number in range(POSTS)
    ]
    log_offset = server.log_offset()
    victim = workers_of(server)[0]
    answered, enough_answered = [0], threading.Event()
    count_lock = threading.Lock()
    start = threading.Barrier(POSTS + 1)

    def client(post):
        start.wait()
        send_until_answered(server, slug, post)
        with count_lock:
            answered[0] += 1
            if answered[0] == KILL_AFTER_ANSWERS:
                enough_answered.set()

    threads = [threading.Thread(target=client, args=(post,)) for post in posts]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    assert enough_answered.wait(RETRY_SECONDS), "the burst was never answered"
    os.kill(victim, signal.SIGKILL)
    for thread in threads:
        thread.join()
    burst_seconds = time.monotonic() - began

    # A tenth of the posts sent once more, as after an answer lost with no worker killed:
    # each is answered with its comment again, and stores nothing.
    again = [send(server, slug, post) for post in posts[::10]]

    (stored,) = in_site_shell(server.env, ("article_marks", {"slug": slug}))
    comments = {comment["id"]: comment["body"] for comment in stored["comments"]}
    bodies = list(comments.values())
    retried = [post for post in posts if post.lost_answers]
    repeated = [post for post in retried if post.answer.headers.get("Idempotent-Replayed")]
    report_figure(
        f"retried posts (PostgreSQL + Redis, 4 workers x 2 threads): a worker SIGKILLed after "
        f"{KILL_AFTER_ANSWERS} of {POSTS} answers; {len(retried)} posts lost an answer "
        f"({sum(len(post.lost_answers) for post in retried)} tries), {len(repeated)} of them "
        f"had been committed (their retry got Idempotent-Replayed); {len(comments)} comments "
        f"stored, {len(bodies) - len(set(bodies))} duplicates; burst {burst_seconds:.1f} s"
    )
    assert retried, "the killed worker held no request: nothing was retried"
    assert [post.answer.status for post in posts] == [201] * POSTS
    assert sorted(bodies) == sorted(post.body for post in posts)  # each stored once
    assert {post.answer.json()["id"]: post.body for post in posts} == comments
    assert [(answer.status, answer.headers.get("Idempotent-Replayed")) for answer in again] == [
        (201, "true")
    ] * len(again)
    assert victim not in workers_of(server)
    unexpected = [line for line in server.alarms_since(log_offset) if "SIGKILL" not in line]
    assert unexpected == []
