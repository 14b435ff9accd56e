"""Readers report comments once; enough distinct readers hide one until a moderator keeps
or hides it; new accounts' link-heavy comments wait for a moderator. And the admin's
comment list, where moderators find and decide on them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Comment, CommentReport
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db]

CHANGELIST = reverse("admin:content_comment_changelist")


@pytest.fixture
def comment(db):
    return CommentFactory(body="Buy cheap watches")


def report(comment, reader, reason="spam"):
    return services.comment_report(comment=comment, by=reader, reason=reason)


def readers(count):
    return [UserFactory() for _ in range(count)]


@pytest.mark.same_on_every_backend
def test_a_reader_reports_a_comment_once(comment, reader):
    report(comment, reader)

    with pytest.raises(services.AlreadyReported):
        report(comment, reader, reason="abuse")
    assert CommentReport.objects.get().reason == "spam"


@pytest.mark.same_on_every_backend
def test_nobody_reports_their_own_comment_or_signed_out(comment, client):
    anonymous = client.get("/").wsgi_request.user
    for who in (comment.author, anonymous):
        with pytest.raises(PermissionDenied):
            report(comment, who)
    assert not CommentReport.objects.exists()


@pytest.mark.same_on_every_backend
def test_a_reason_off_the_list_is_refused(comment, reader):
    with pytest.raises(ValidationError) as refused:
        report(comment, reader, reason="boring")
    assert "reason" in refused.value.message_dict


def test_reports_from_enough_distinct_readers_hide_the_comment(comment, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 3
    first, second, third = readers(3)
    report(comment, first)
    report(comment, second)
    comment.refresh_from_db()
    assert not comment.is_hidden

    report(comment, third, reason="abuse")

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.awaiting_moderation
    assert not Comment.objects.visible().filter(pk=comment.pk).exists()


@pytest.mark.same_on_every_backend
def test_a_moderator_keeps_a_reported_comment(comment, editor, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 2
    for reader in readers(2):
        report(comment, reader)

    services.comment_set_hidden(comment=comment, by=editor, hidden=False)

    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not comment.awaiting_moderation
    assert set(CommentReport.objects.values_list("resolution", "resolved_by")) == {
        ("kept", editor.pk)
    }
    assert all(r.resolved_at for r in CommentReport.objects.all())
    # Resolved reports count no more: it takes new readers to hold it again.
    report(comment, UserFactory())
    comment.refresh_from_db()
    assert not comment.is_hidden


@pytest.mark.same_on_every_backend
def test_a_moderator_hides_a_reported_comment(comment, editor, reader):
    report(comment, reader)

    services.comment_set_hidden(comment=comment, by=editor, hidden=True)

    comment.refresh_from_db()
    assert comment.is_hidden
    assert not comment.awaiting_moderation
    assert CommentReport.objects.get().resolution == "hidden"


@pytest.mark.same_on_every_backend
def test_only_moderators_resolve_reports(comment, reader, author):
    report(comment, reader)
    for who in (reader, author, comment.author):
        with pytest.raises(PermissionDenied):
            services.comment_set_hidden(comment=comment, by=who, hidden=True)
    assert CommentReport.objects.get().resolution == ""


@pytest.mark.same_on_every_backend
def test_a_new_accounts_comment_with_many_links_waits_for_a_moderator(reader, settings):
    settings.COMMENT_MAX_LINKS_NEW_ACCOUNT = 2
    article = CommentFactory().article
    links = "See https://a.example, http://b.example and www.c.example"

    held = services.comment_create(article=article, author=reader, body=links)
    two = services.comment_create(article=article, author=reader, body="https://a.example www.b.x")
    reader.date_joined = timezone.now() - timedelta(days=settings.NEW_ACCOUNT_DAYS + 1)
    older = services.comment_create(article=article, author=reader, body=links)

    assert held.is_hidden
    assert held.awaiting_moderation
    assert not two.is_hidden
    assert not older.is_hidden


# --- The admin --------------------------------------------------------------------------


@pytest.fixture
def reported(comment, settings):
    """`comment` with two open reports, and an unreported comment on the same article."""
    settings.COMMENT_REPORTS_TO_HIDE = 5
    for reader in readers(2):
        report(comment, reader)
    return comment


def changelist_ids(client, query=""):
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return [c.pk for c in response.context["cl"].result_list]


@pytest.mark.same_on_every_backend
def test_the_comment_list_shows_reported_comments_first_and_filters_them(client, editor, reported):
    quiet = CommentFactory(article=reported.article)
    client.force_login(editor)

    assert changelist_ids(client) == [reported.pk, quiet.pk]
    assert changelist_ids(client, "?reported=yes") == [reported.pk]
    assert changelist_ids(client, "?reported=no") == [quiet.pk]
    assert changelist_ids(client, "?o=6") == [quiet.pk, reported.pk]  # fewest reports first
    assert "Open reports" in client.get(CHANGELIST).text


@pytest.mark.same_on_every_backend
def test_the_comment_list_filters_what_awaits_moderation(client, editor, reported, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 2
    held = CommentFactory(article=reported.article, awaiting_moderation=True, is_hidden=True)
    client.force_login(editor)

    assert changelist_ids(client, "?awaiting_moderation__exact=1") == [held.pk]


@pytest.mark.parametrize(("action", "hidden"), [("show", False), ("hide", True)])
def test_the_show_and_hide_actions_resolve_the_reports(client, editor, reported, action, hidden):
    client.force_login(editor)

    response = client.post(
        CHANGELIST, {"action": f"{action}_selected", "_selected_action": [reported.pk]}
    )

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.is_hidden is hidden
    assert not reported.awaiting_moderation
    assert set(CommentReport.objects.values_list("resolution", flat=True)) == {
        "hidden" if hidden else "kept"
    }


def test_the_comment_list_costs_the_same_queries_for_many_reported_comments(
    client, editor, reported, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get(CHANGELIST)  # the session and permissions, loaded once
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for _ in range(20):
        comment = CommentFactory(article=reported.article)
        report(comment, UserFactory())

    with django_assert_max_num_queries(len(few)):
        client.get(CHANGELIST)


@pytest.mark.same_on_every_backend
def test_a_comments_reports_show_on_its_change_page_and_in_their_own_list(client, editor, reported):
    client.force_login(editor)

    change = client.get(reverse("admin:content_comment_change", args=[reported.pk]))
    reports = client.get(reverse("admin:content_commentreport_changelist"))
    one = client.get(
        reverse("admin:content_commentreport_change", args=[CommentReport.objects.first().pk])
    )

    assert change.status_code == reports.status_code == one.status_code == 200
    assert "Spam or advertising" in change.text
    assert "Spam or advertising" in reports.text
    assert client.get(reverse("admin:content_commentreport_add")).status_code == 403


@pytest.mark.same_on_every_backend
def test_staff_who_do_not_moderate_see_no_reports(client, author, reported):
    client.force_login(author)

    assert client.get(reverse("admin:content_commentreport_changelist")).status_code == 403


@pytest.mark.same_on_every_backend
def test_links_added_by_an_edit_wait_for_a_moderator_too(reader):
    comment = services.comment_create(article=CommentFactory().article, author=reader, body="Hello")

    services.comment_edit(
        comment=comment, by=reader, body="https://a.example https://b.example https://c.example"
    )

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.awaiting_moderation


def test_ticking_hidden_on_the_change_page_resolves_the_reports(client, editor, reported):
    client.force_login(editor)
    change_page = reverse("admin:content_comment_change", args=[reported.pk])
    form = {
        "article": reported.article_id,
        "author": reported.author_id,
        "body": reported.body,
        "is_hidden": "on",
        # The reports inline, read-only: its management form only.
        "reports-TOTAL_FORMS": "2",
        "reports-INITIAL_FORMS": "2",
    }

    response = client.post(change_page, form)

    assert response.status_code == 302, response.context["errors"]
    reported.refresh_from_db()
    assert reported.is_hidden
    assert set(CommentReport.objects.values_list("resolution", "resolved_by")) == {
        ("hidden", editor.pk)
    }
