"""While the database does not answer: visitors' stored answers are still served, marked
stale, for PAGE_CACHE_STALE_IF_ERROR seconds; everything else is a 503 with Retry-After,
styled HTML or the API's JSON shape; what needs no database keeps answering.

Here every query fails as it does when the connection is gone (Django's execute
wrapper raising the OperationalError the driver's is wrapped into); tests/ops/
test_database_outage.py cuts a real PostgreSQL connection under gunicorn.
"""

import json
import re
import select

import pytest
from django.db import OperationalError, ProgrammingError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from project import errors
from tests.html import soup

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
STALE = re.compile(r"^Gazette; hit; ttl=-[1-9][0-9]*$")


@pytest.fixture
def visitor():
    # Django's test client raises a view's exception in the test by default; a browser
    # gets the answer the site makes of it.
    return Client(raise_request_exception=False)


def refuse(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def database_down(db):
    """The database stops answering until the test ends."""
    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "Cache-Status" not in response


def test_a_visitors_stored_page_is_served_stale_with_its_etag(visitor, site, request):
    url = site["article"].get_absolute_url()
    fresh = visitor.get(url)
    assert "Cache-Status" not in fresh

    request.getfixturevalue("database_down")
    stale = visitor.get(url)
    held = visitor.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"])

    assert stale.status_code == 200
    assert stale.content == fresh.content
    assert stale["ETag"] == fresh["ETag"]
    assert STALE.match(stale["Cache-Status"])
    assert held.status_code == 304
    assert STALE.match(held["Cache-Status"])


def test_a_stored_api_read_is_served_stale_too(visitor, site, request):
    url = reverse("api:article-detail", args=[site["article"].slug])
    fresh = visitor.get(url, **JSON)

    request.getfixturevalue("database_down")
    stale = visitor.get(url, **JSON)

    assert stale.status_code == 200
    assert stale.json() == fresh.json()
    assert STALE.match(stale["Cache-Status"])


def test_no_stale_answer_past_the_configured_time(visitor, site, settings, request):
    settings.PAGE_CACHE_STALE_IF_ERROR = 0  # the versions read stand in for no time at all
    url = site["article"].get_absolute_url()
    visitor.get(url)

    request.getfixturevalue("database_down")

    assert_unavailable(visitor.get(url))


def test_a_page_not_stored_is_the_styled_503(visitor, site, database_down):
    response = visitor.get(reverse("pages:tag-detail", args=[site["tag"].slug]))

    assert_unavailable(response)
    page = soup(response)
    assert page.h1.text == "Back in a moment"
    assert page.title.text == "Back in a moment · Gazette"
    assert page.select_one(".site-header") is not None


def test_a_signed_in_readers_page_is_a_503(visitor, site, reader, request):
    url = site["article"].get_absolute_url()
    visitor.get(url)  # stored for visitors, never for a reader
    visitor.force_login(reader)

    request.getfixturevalue("database_down")

    assert_unavailable(visitor.get(url))


def test_a_comment_posted_through_the_form_is_a_503(visitor, site, reader, request):
    visitor.force_login(reader)
    url = reverse("pages:comment-create", args=[site["article"].slug])

    request.getfixturevalue("database_down")

    assert_unavailable(visitor.post(url, {"body": "Lost at sea?"}))


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/api/v1/articles/", False),
        ("/api/v1/tags/", False),
        ("/api/v1/me/bookmarks/", True),
        ("/api/v1/auth/user/", True),
    ],
)
def test_api_reads_not_stored_are_the_json_503(visitor, site, reader, request, url, signed_in):
    if signed_in:
        visitor.force_login(reader)

    request.getfixturevalue("database_down")
    response = visitor.get(url, **JSON)

    assert_unavailable(response)
    assert response.json() == {
        "status": 503,
        "code": "service_unavailable",
        "message": errors.UNAVAILABLE_MESSAGE,
        "errors": {},
    }


def test_a_comment_posted_through_the_api_is_a_json_503(visitor, site, reader, request):
    visitor.force_login(reader)
    url = reverse("api:article-comments", args=[site["article"].slug])

    request.getfixturevalue("database_down")
    response = visitor.post(url, {"body": "Lost at sea?"}, content_type="application/json")

    assert_unavailable(response)
    assert response.json()["code"] == "service_unavailable"


def test_what_needs_no_database_keeps_answering(visitor, database_down):
    assert visitor.get("/robots.txt").status_code == 200
    assert visitor.get("/healthz").status_code == 200
    assert visitor.get("/readyz").status_code == 503


def test_answers_are_fresh_again_once_the_database_is_back(visitor, site):
    url = site["article"].get_absolute_url()
    visitor.get(url)
    with connection.execute_wrapper(refuse):
        assert "Cache-Status" in visitor.get(url)

    back = visitor.get(url)

    assert back.status_code == 200
    assert "Cache-Status" not in back


def raised(exception, url):
    """server_error's answer while `exception` is being handled, as Django calls it."""
    try:
        raise exception
    except type(exception):
        return errors.server_error(RequestFactory().get(url))


def test_the_error_handler_answers_503_only_for_a_database_that_does_not_answer():
    unreachable = OperationalError("connection refused")

    assert_unavailable(raised(unreachable, "/articles/"))
    assert json.loads(raised(unreachable, "/api/v1/articles/").content)["status"] == 503
    assert raised(ProgrammingError("no such table"), "/articles/").status_code == 500
    assert raised(RuntimeError("a bug"), "/api/v1/articles/").status_code == 500


def test_an_outage_is_logged_once_per_interval_with_what_was_held_back(
    visitor, site, database_down, caplog, monkeypatch
):
    def logged_unavailable(requests):
        caplog.clear()
        for _ in range(requests):
            assert visitor.get("/articles/").status_code == 503
        return [r.getMessage() for r in caplog.records if r.name == "django.request"]

    monkeypatch.setattr(errors, "LOG_INTERVAL_SECONDS", 0)
    assert len(logged_unavailable(1)) == 1
    monkeypatch.setattr(errors, "LOG_INTERVAL_SECONDS", 3600)
    assert logged_unavailable(3) == []
    monkeypatch.setattr(errors, "LOG_INTERVAL_SECONDS", 0)
    assert logged_unavailable(1) == [
        "Service Unavailable: /articles/ (and 3 more like it not logged)"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's check")
def test_the_health_check_replaces_a_connection_the_server_ended_and_asks_a_quiet_one_nothing():
    own = connections.create_connection("default")  # outside the test's transaction
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT 'the last query'")
        pid = own.connection.info.backend_pid

        assert own.is_usable()
        with connection.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert cursor.fetchone() == ("SELECT 'the last query'",)  # no round trip
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        select.select([own.connection], [], [], 5)  # the server's goodbye arrives

        assert not own.is_usable()
    finally:
        own.close()
