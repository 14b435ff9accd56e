"""A hundred readers write at once to the embedded default: SQLite in a file, 4 gunicorn
workers × 2 threads, each thread with its own connection.

Every reader signs in as a real client does (an app trading its refresh token for an
access token, or the site's JavaScript signing in with the session and the CSRF token),
then posts comments and likes and unlikes one article through the JSON API. SQLite has
one writer at a time; the settings (WAL, `BEGIN IMMEDIATE`, a busy timeout) must make
the others wait their turn rather than fail.
"""

import random
import threading
import time
from collections import Counter

import pytest

from tests.ops.client import Client
from tests.ops.conftest import PASSWORD, in_site_shell

pytestmark = pytest.mark.load_sensitive

CLIENTS = 100
# An app keeps a refresh token; the rest sign in with the session, as the site's
# JavaScript does (each sign-in hashes a password: a quarter of a second of CPU).
SESSION_CLIENTS = 20
COMMENTS_PER_CLIENT = 3
LIKE_TOGGLES_PER_CLIENT = 5


@pytest.fixture(scope="module")
def crowd(sqlite_site):
    """The article everyone writes to, and its readers."""
    article, app_readers, site_readers = in_site_shell(
        sqlite_site.env,
        ("published_article", {"title": "Everyone writes here"}),
        (
            "readers",
            {
                "prefix": "app",
                "count": CLIENTS - SESSION_CLIENTS,
                "password": PASSWORD,
                "with_refresh_tokens": True,
            },
        ),
        ("readers", {"prefix": "site", "count": SESSION_CLIENTS, "password": PASSWORD}),
    )
    return {"slug": article["slug"], "readers": app_readers + site_readers}


class Reader:
    """One client of the crowd: signs in, then writes; keeps every answer it got."""

    def __init__(self, base_url, reader, slug, seed):
        self.client = Client(base_url)
        self.reader = reader
        self.slug = slug
        self.random = random.Random(seed)  # noqa: S311 - a repeatable order of writes
        self.answers = []  # (what, status)
        self.comment_ids = []
        self.last_like_action = None
        self.failure = None

    def run(self, start_together):
        try:
            start_together.wait()
            self.sign_in()
            for step in self.random.sample(
                ["comment"] * COMMENTS_PER_CLIENT + ["like"] * LIKE_TOGGLES_PER_CLIENT,
                COMMENTS_PER_CLIENT + LIKE_TOGGLES_PER_CLIENT,
            ):
                self.comment() if step == "comment" else self.toggle_like()
        except Exception as error:  # reported by the test, with the reader's name
            self.failure = f"{self.reader['username']}: {error!r}"

    def record(self, what, response, expected):
        self.answers.append((what, response.status))
        if response.status != expected:
            raise AssertionError(f"{what} answered {response.status}: {response.text[:300]}")
        return response

    def sign_in(self):
        if "refresh" in self.reader:
            answer = self.client.post(
                "/api/v1/auth/token/refresh/", json_body={"refresh": self.reader["refresh"]}
            )
            self.client.bearer = self.record("token refresh", answer, 200).json()["access"]
        else:
            self.client.fetch_csrf_token()
            answer = self.client.post(
                "/api/v1/auth/login/",
                json_body={"username": self.reader["username"], "password": PASSWORD},
            )
            self.record("session sign-in", answer, 200)
            if "sessionid" not in self.client.cookies:
                raise AssertionError("signing in with the CSRF token started no session")

    def comment(self):
        answer = self.client.post(
            f"/api/v1/articles/{self.slug}/comments/",
            json_body={"body": f"{self.reader['username']} says hello ({len(self.comment_ids)})"},
        )
        self.comment_ids.append(self.record("comment", answer, 201).json()["id"])

    def toggle_like(self):
        method = self.random.choice(["PUT", "DELETE"])
        answer = self.client.request(method, f"/api/v1/articles/{self.slug}/like/")
        self.record(f"like {method}", answer, 200)
        self.last_like_action = method


@pytest.fixture(scope="module")
def outcome(sqlite_site, crowd, report_figure):
    """Run the crowd once; every test below reads what came of it."""
    log_offset = sqlite_site.log_offset()
    started = time.monotonic()
    readers = [
        Reader(sqlite_site.url, reader, crowd["slug"], seed=number)
        for number, reader in enumerate(crowd["readers"])
    ]
    start_together = threading.Barrier(len(readers))
    threads = [threading.Thread(target=reader.run, args=(start_together,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    statuses = Counter(status for reader in readers for _, status in reader.answers)
    report_figure(
        f"SQLite, {len(readers)} concurrent clients: {sum(statuses.values())} requests "
        f"in {seconds:.1f} s, statuses {dict(sorted(statuses.items()))}"
    )
    (stored,) = in_site_shell(sqlite_site.env, ("article_marks", {"slug": crowd["slug"]}))
    return {
        "readers": readers,
        "stored": stored,
        "alarms": sqlite_site.alarms_since(log_offset),
        "slug": crowd["slug"],
    }


def test_a_hundred_concurrent_writers_get_no_server_error(outcome):
    statuses = Counter(status for reader in outcome["readers"] for _, status in reader.answers)
    failures = [reader.failure for reader in outcome["readers"] if reader.failure]
    assert not [status for status in statuses if status >= 500], statuses
    assert not failures, f"{len(failures)} readers failed, first: {failures[:5]}"
    expected = CLIENTS * (1 + COMMENTS_PER_CLIENT + LIKE_TOGGLES_PER_CLIENT)
    assert sum(statuses.values()) == expected


def test_every_comment_answered_201_is_stored_and_nothing_else(outcome):
    answered = {
        (comment_id, reader.reader["username"])
        for reader in outcome["readers"]
        for comment_id in reader.comment_ids
    }
    stored = {(comment["id"], comment["author"]) for comment in outcome["stored"]["comments"]}
    assert len(answered) == CLIENTS * COMMENTS_PER_CLIENT
    assert stored == answered


def test_the_like_count_is_the_readers_whose_last_action_was_a_like(outcome, sqlite_site):
    liking = {
        reader.reader["username"]
        for reader in outcome["readers"]
        if reader.last_like_action == "PUT"
    }
    assert sorted(outcome["stored"]["likers"]) == sorted(liking)
    article = Client(sqlite_site.url).get(f"/api/v1/articles/{outcome['slug']}/").json()
    assert article["like_count"] == len(liking)
    assert article["comment_count"] == CLIENTS * COMMENTS_PER_CLIENT


def test_the_server_log_shows_no_lock_error_or_traceback(outcome):
    assert outcome["alarms"] == []
