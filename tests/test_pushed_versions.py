"""On PostgreSQL the content versions are pushed to each process (content/pushed_versions.py):
a cached answer makes no query, and still every change shows on the next request, from
this process or another, through a lost listener and past a scheduled publication.

These tests commit (a notification is only sent at commit), so they are transactional.
"""

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from content import freshness, pushed_versions
from tests import kept_versions

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(__file__).resolve().parent.parent


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still not {condition.__name__}"
        time.sleep(0.01)


@pytest.fixture
def site(db):
    return kept_versions.small_site()


@pytest.fixture
def listening(client, settings):
    """This process's listener, listening (it starts with the first request)."""
    assert settings.CONTENT_VERSIONS_PUSH
    client.get("/healthz")
    freshness.current([freshness.SITE])
    wait_until(pushed_versions.listening)


def other_connection():
    """A connection of its own to the test database, as another app server has."""
    params = connection.get_connection_params()
    for name in ("cursor_factory", "context"):
        params.pop(name)
    return psycopg.connect(**params, autocommit=True)


def listener_pid(database):
    """The PostgreSQL backend of this process's listener."""
    (pid,) = database.execute(
        "SELECT pid FROM pg_stat_activity"
        " WHERE application_name = %s AND datname = current_database()",
        [pushed_versions.LISTENER_NAME],
    ).fetchone()
    return pid


def site_version():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM content_contentversion WHERE scope = 'site'")
        return cursor.fetchone()[0]


def test_a_cached_answer_makes_no_query(client, site, listening, django_assert_num_queries):
    kept_versions.assert_cached_answers_make_no_query(
        client, site["article"], django_assert_num_queries
    )


def test_an_edit_in_another_process_shows_on_the_next_request(
    client, site, listening, django_assert_num_queries
):
    article = site["article"]
    url = article.get_absolute_url()
    client.get(url)
    before = site_version()

    edit_in_another_process(article.slug, "Night ferry, rescheduled")

    # Pushed: this process knows the new version without asking.
    assert pushed_versions.lookup([freshness.SITE])[0][0][0] == site_version() != before
    assert b"Night ferry, rescheduled" in client.get(url).content
    with django_assert_num_queries(0):
        assert b"Night ferry, rescheduled" in client.get(url).content


def edit_in_another_process(slug, title):
    """Retitle an article through the site's code in a process of its own."""
    database = connection.settings_dict
    credentials = urllib.parse.quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(database["PASSWORD"])
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    script = (
        "from content.models import Article; "
        f"article = Article.objects.get(slug={slug!r}); "
        f"article.title = {title!r}; article.save()"
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py, arguments from this test
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://{credentials}@{host}/{database['NAME']}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_an_edit_in_this_process_shows_at_once_everywhere(client, site, listening):
    kept_versions.assert_own_edits_show_everywhere_at_once(client, site["article"])


def test_a_lost_listener_falls_back_to_the_database_and_listens_again(
    client, site, listening, django_assert_num_queries
):
    url = reverse("pages:home")
    first = client.get(url)
    with django_assert_num_queries(0):
        client.get(url)

    with other_connection() as database:
        lost = listener_pid(database)
        database.execute("SELECT pg_terminate_backend(%s, 5000)", [lost])
        # A change the lost listener cannot hear of.
        database.execute("UPDATE content_contentversion SET version = version + 1")

    assert client.get(url)["ETag"] != first["ETag"]
    wait_until(pushed_versions.listening)
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)
    with other_connection() as database:
        assert listener_pid(database) != lost


def test_a_read_that_raced_a_notification_is_not_kept(site, listening):
    pushed_versions.forget_all()
    pushed, token = pushed_versions.lookup([freshness.SITE])
    assert pushed is None
    read_before = site_version()

    # Meanwhile another server replaces the version, and this process hears of it.
    with other_connection() as database, database.transaction():
        database.execute("UPDATE content_contentversion SET version = version + 1")
        database.execute(
            pushed_versions.NOTIFY,
            [
                pushed_versions.CHANNEL,
                [pushed_versions.payload(freshness.SITE, read_before + 1, None)],
            ],
        )
    wait_until(lambda: pushed_versions.lookup([freshness.SITE])[0] is not None)

    pushed_versions.remember(token, {freshness.SITE: (read_before, None)})

    assert pushed_versions.lookup([freshness.SITE])[0] == [(read_before + 1, None)]
    assert freshness.current([freshness.SITE])[0] == {freshness.SITE: read_before + 1}


def test_a_read_with_no_change_meanwhile_is_kept(site, listening, django_assert_num_queries):
    pushed_versions.forget_all()

    with django_assert_num_queries(1):
        versions, _ = freshness.current([freshness.SITE])
    with django_assert_num_queries(0):
        assert freshness.current([freshness.SITE])[0] == versions


def test_a_scheduled_article_appears_at_its_time(
    client, site, listening, django_assert_num_queries
):
    kept_versions.assert_a_scheduled_article_appears_at_its_time(
        client, site["writer"], django_assert_num_queries
    )


def test_a_cached_answer_on_a_dropped_connection_is_answered_and_the_next_query_reconnects(
    client, site, listening, django_assert_num_queries
):
    url = reverse("pages:home")
    client.get(url)
    # As at the start of a request on a kept connection, which the server has closed.
    connection.health_check_done = False
    connection.connection.close()

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    # Django's health check, before the first query (a search not made before runs
    # one), replaces the connection.
    assert client.get(reverse("pages:search") + "?q=lighthouse").status_code == 200
    assert connection.health_check_done


def test_a_forked_process_starts_with_nothing_of_its_parent(site, listening):
    freshness.current([freshness.SITE])
    child = os.fork()
    if child == 0:
        os._exit(0 if not pushed_versions.listening() else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pushed_versions.listening()
