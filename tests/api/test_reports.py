"""POST /api/v1/comments/<id>/report/: once per reader, a reason from the list, only
comments the reader can see, within the reporting rate; and what a new account's
link-heavy comment answers."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from content.models import CommentReport
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(db):
    return CommentFactory(body="Cheap pills here")


def report_url(comment):
    return reverse("api:comment-report", kwargs={"pk": comment.pk})


def test_a_reader_reports_a_comment(sign_in, reader, comment):
    response = sign_in(reader).post(report_url(comment), {"reason": "spam"})

    assert response.status_code == 201
    assert response.json() == {
        "comment": comment.pk,
        "reason": "spam",
        "created_at": response.json()["created_at"],
    }
    assert CommentReport.objects.get().reporter == reader


def test_a_second_report_is_a_409_in_the_error_shape(sign_in, reader, comment):
    client = sign_in(reader)
    client.post(report_url(comment), {"reason": "spam"})

    response = client.post(report_url(comment), {"reason": "abuse"})

    assert response.status_code == 409
    assert response.json()["code"] == "already_reported"
    assert CommentReport.objects.count() == 1


@pytest.mark.same_on_every_backend
def test_a_reason_off_the_list_is_a_400_with_field_errors(sign_in, reader, comment):
    for body in ({"reason": "boring"}, {}):
        response = sign_in(reader).post(report_url(comment), body)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["reason"]
    assert not CommentReport.objects.exists()


@pytest.mark.same_on_every_backend
def test_a_comment_the_reader_cannot_see_is_404_and_their_own_403(sign_in, reader, comment):
    hidden = CommentFactory(is_hidden=True)
    client = sign_in(reader)

    assert client.post(report_url(hidden), {"reason": "spam"}).status_code == 404
    own = CommentFactory(author=reader)
    assert client.post(report_url(own), {"reason": "spam"}).status_code == 403


@pytest.mark.same_on_every_backend
def test_visitors_are_asked_to_sign_in(api, comment):
    assert api.post(report_url(comment), {"reason": "spam"}).status_code in (401, 403)


def test_reporting_has_its_own_rate_per_account(sign_in, reader, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "reports": "2/hour",
        },
    }
    client = sign_in(reader)
    comments = CommentFactory.create_batch(3)

    statuses = [client.post(report_url(c), {"reason": "spam"}).status_code for c in comments]

    assert statuses == [201, 201, 429]
    assert CommentReport.objects.count() == 2


def test_comments_show_whether_the_reader_may_report_them(sign_in, reader, comment):
    mine = CommentFactory(article=comment.article, author=reader)
    url = reverse("api:article-comments", kwargs={"slug": comment.article.slug})

    results = sign_in(reader).get(url).json()["results"]

    assert {c["id"]: c["can_report"] for c in results} == {comment.pk: True, mine.pk: False}


def test_a_new_accounts_comment_with_many_links_says_it_waits_for_a_moderator(
    sign_in, reader, comment
):
    url = reverse("api:article-comments", kwargs={"slug": comment.article.slug})
    body = "https://a.example https://b.example https://c.example"

    response = sign_in(reader).post(url, {"body": body})

    assert response.status_code == 201
    assert response.json()["awaiting_moderation"] is True
    assert response.json()["is_hidden"] is True


@pytest.mark.django_db(transaction=True)
def test_reports_at_once_are_counted_exactly(sign_in, settings):
    """Each thread has its own connection: on PostgreSQL the reports of one comment wait
    for each other (its row is locked), so the same reader twice is one 201 and one 409,
    and the readers who reach the threshold together hide the comment."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's test database is in memory, where threads cannot wait on a lock")
    settings.COMMENT_REPORTS_TO_HIDE = 3
    comment = CommentFactory()
    twice = UserFactory()
    clients = [sign_in(twice), sign_in(twice), *(sign_in(UserFactory()) for _ in range(2))]
    start = threading.Barrier(len(clients))
    statuses = []

    def send(client):
        start.wait()
        try:
            statuses.append(client.post(report_url(comment), {"reason": "spam"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=[client]) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 201, 201, 409]
    comment.refresh_from_db()
    assert comment.is_hidden


def test_a_moderator_hiding_a_reported_comment_through_the_api_resolves_its_reports(
    sign_in, reader, editor, comment
):
    sign_in(reader).post(report_url(comment), {"reason": "spam"})

    response = sign_in(editor).patch(
        reverse("api:comment-detail", kwargs={"pk": comment.pk}), {"is_hidden": True}
    )

    assert response.status_code == 200
    report = CommentReport.objects.get()
    assert (report.resolution, report.resolved_by) == ("hidden", editor)
