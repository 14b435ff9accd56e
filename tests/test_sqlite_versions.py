"""On SQLite each connection keeps the content versions it read while the database is
unchanged (content/freshness.py, `_unchanged_sqlite`): a cached answer makes no query,
and still every change shows on the next request, whoever committed it.

Transactional: inside a test's transaction the versions are always read, as in any
transaction; what is kept is checked between commits, as a server runs.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from content import freshness
from content.models import Article
from tests import kept_versions
from tests.factories import CommentFactory, UserFactory
from tests.test_visitor_cache import JSON

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PRAGMA data_version is SQLite's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def site(db):
    return kept_versions.small_site()


def in_another_connection(work):
    """Run `work` on a thread of its own, so on a connection of its own, as another
    gunicorn worker or thread has; close that connection after."""
    failures = []

    def run():
        try:
            work()
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_a_cached_answer_makes_no_query(client, site, django_assert_num_queries):
    kept_versions.assert_cached_answers_make_no_query(
        client, site["article"], django_assert_num_queries
    )


def test_an_edit_through_another_connection_shows_on_the_next_request(
    client, site, django_assert_num_queries
):
    article = site["article"]
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)

    def retitle():
        edited = Article.objects.get(pk=article.pk)
        edited.title = "Night ferry, rescheduled"
        edited.save()

    in_another_connection(retitle)

    assert b"Night ferry, rescheduled" in client.get(url).content
    with django_assert_num_queries(0):
        assert b"Night ferry, rescheduled" in client.get(url).content


def test_a_comment_through_another_connection_shows_on_the_next_request(client, site):
    article = site["article"]
    comments = reverse("api:article-comments", args=[article.slug])
    first = client.get(comments, **JSON)

    in_another_connection(lambda: CommentFactory(article=article, body="Second crossing"))

    answer = client.get(comments, HTTP_IF_NONE_MATCH=first["ETag"], **JSON)
    assert answer.status_code == 200
    assert b"Second crossing" in answer.content


def test_any_commit_elsewhere_makes_the_next_request_read_the_versions(
    client, site, django_assert_num_queries
):
    url = reverse("pages:home")
    first = client.get(url)

    # A write that changes no version (a sign-in's last_login): still a commit.
    in_another_connection(lambda: UserFactory(username="reader"))

    with django_assert_num_queries(1):  # the versions, unchanged: the kept copy
        again = client.get(url)
    assert again["ETag"] == first["ETag"]
    with django_assert_num_queries(0):
        client.get(url)


def test_edits_through_this_connection_show_everywhere_at_once(client, site):
    kept_versions.assert_own_edits_show_everywhere_at_once(client, site["article"])


def test_inside_a_transaction_the_versions_are_read(site, django_assert_num_queries):
    versions, _ = freshness.current([freshness.SITE])
    with django_assert_num_queries(0):
        assert freshness.current([freshness.SITE])[0] == versions

    with transaction.atomic(), django_assert_num_queries(1):
        assert freshness.current([freshness.SITE])[0] == versions


def test_a_scheduled_article_appears_at_its_time(client, site, django_assert_num_queries):
    kept_versions.assert_a_scheduled_article_appears_at_its_time(
        client, site["writer"], django_assert_num_queries
    )


def test_the_first_read_of_a_new_connection_is_kept(site):
    # As in a new worker. (Closing would drop an in-memory test database, so Django
    # never does; the old connection is set aside instead.)
    kept_open = connection.connection
    connection.connection = None
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    try:
        # Counted without connecting first, as django_assert_num_queries would.
        with connection.execute_wrapper(count):
            versions, _ = freshness.current([freshness.SITE])
            assert freshness.current([freshness.SITE])[0] == versions
        assert connection.connection is not kept_open
    finally:
        connection.connection.close()
        connection.connection = kept_open
    assert len(queries) == 1
