"""Reporting without JavaScript (a page with the reasons, then back to the comment with a
message), and the comment form's abuse basics: the honeypot, the rate shared with the
API, and new accounts' link-heavy comments held for a moderator."""

import pytest
from django.test import Client
from django.urls import reverse

from content import services
from content.models import Comment, CommentReport
from pages.reports import ALREADY, THANKS
from pages.views import HELD_MESSAGE
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.html import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(db):
    return CommentFactory(body="Cheap pills here")


def report_url(comment):
    return reverse("pages:comment-report", args=[comment.pk])


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def rates(settings, **new_rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **new_rates,
        },
    }


def test_a_reader_reports_through_the_form_and_is_thanked_at_the_comment(client, reader, comment):
    client.force_login(reader)
    form = soup(client.get(report_url(comment))).select_one("form[data-comment-report-form]")
    reasons = [radio["value"] for radio in form.select("input[type=radio][name=reason]")]
    assert reasons == ["spam", "abuse", "off_topic", "other"]

    response = client.post(report_url(comment), {"reason": "abuse"}, follow=True)

    assert response.redirect_chain == [(comment.get_absolute_url(), 302)]
    assert shown_messages(response) == [THANKS]
    assert CommentReport.objects.get().reason == "abuse"


def test_a_second_report_is_a_message_and_a_bad_one_the_form_again(client, reader, comment):
    client.force_login(reader)
    client.post(report_url(comment), {"reason": "spam"}, follow=True)

    again = client.post(report_url(comment), {"reason": "other"}, follow=True)
    bad = client.post(report_url(comment), {"reason": "boring"})

    assert shown_messages(again) == [ALREADY]
    assert bad.status_code == 400
    assert soup(bad).select_one("[data-field=errors]").text.strip()
    assert CommentReport.objects.count() == 1


@pytest.mark.same_on_every_backend
def test_visitors_sign_in_first_and_nobody_reports_their_own(client, reader, comment):
    assert client.get(report_url(comment)).status_code == 302
    client.force_login(comment.author)
    assert client.get(report_url(comment)).status_code == 403
    assert client.post(report_url(comment), {"reason": "spam"}).status_code == 403
    hidden = CommentFactory(is_hidden=True)
    client.force_login(reader)
    assert client.get(report_url(hidden)).status_code == 404


def test_the_authors_page_never_says_who_reported(client, reader, comment):
    services.comment_report(comment=comment, by=reader, reason="spam")
    client.force_login(comment.author)

    page = client.get(comment.article.get_absolute_url()).text

    assert reader.public_name not in page
    assert reader.username not in page


def test_a_visitors_cached_page_follows_reports_and_the_moderators_decision(
    client, comment, editor, settings
):
    settings.COMMENT_REPORTS_TO_HIDE = 2
    url = comment.article.get_absolute_url()
    assert comment.body in client.get(url).text
    assert comment.body in client.get(url).text  # now the stored answer

    for reader in (UserFactory(), UserFactory()):
        services.comment_report(comment=comment, by=reader, reason="spam")
    hidden = client.get(url).text
    services.comment_set_hidden(comment=comment, by=editor, hidden=False)
    kept = client.get(url).text

    assert comment.body not in hidden
    assert comment.body in kept


# --- The comment form's abuse basics ------------------------------------------------------


def comments_url(article):
    return reverse("pages:comment-create", args=[article.slug])


@pytest.mark.same_on_every_backend
def test_the_honeypot_is_hidden_from_people(client, reader):
    article = ArticleFactory()
    client.force_login(reader)

    field = soup(client.get(article.get_absolute_url())).select_one("[name=website]")

    assert field["tabindex"] == "-1"
    assert field["autocomplete"] == "off"
    assert field.find_parent(class_="form-honeypot")["aria-hidden"] == "true"


def test_a_filled_honeypot_looks_posted_but_stores_nothing(client, reader):
    article = ArticleFactory()
    client.force_login(reader)

    response = client.post(comments_url(article), {"body": "Great!", "website": "spam.example"})

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments-title"
    assert not Comment.objects.exists()


def test_a_new_accounts_comment_with_many_links_waits_and_says_so(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    body = "Visit https://a.example and https://b.example and https://c.example"

    response = client.post(comments_url(article), {"body": body}, follow=True)

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments-title", 302)]
    assert shown_messages(response) == [HELD_MESSAGE]
    held = Comment.objects.get()
    assert (held.is_hidden, held.awaiting_moderation) == (True, True)
    other = Client()
    assert "a.example" not in other.get(article.get_absolute_url()).text


def test_posting_counts_on_the_page_and_the_api_together(client, reader, settings):
    rates(settings, comments="2/min")
    article = ArticleFactory()
    client.force_login(reader)
    api_url = reverse("api:article-comments", args=[article.slug])

    first = client.post(comments_url(article), {"body": "One"})
    second = client.post(api_url, {"body": "Two"}, content_type="application/json")
    third = client.post(comments_url(article), {"body": "Three"})

    assert (first.status_code, second.status_code, third.status_code) == (302, 201, 429)
    assert int(third["Retry-After"]) > 0
    assert "too fast" in soup(third).select_one("[data-field=errors]").text
    assert soup(third).select_one("textarea[name=body]").text.strip() == "Three"
    assert Comment.objects.count() == 2


def test_one_address_cannot_spread_reports_over_many_accounts(settings, comment):
    rates(settings, reports="2/hour")
    statuses = []
    for _ in range(3):
        client = Client(REMOTE_ADDR="192.0.2.7")
        client.force_login(UserFactory())
        statuses.append(client.post(report_url(comment), {"reason": "spam"}).status_code)

    assert statuses == [302, 302, 429]
