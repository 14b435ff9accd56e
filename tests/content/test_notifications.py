"""E-mail notifications about comments: who is told, one e-mail per burst, and the
unsubscribe link (page, one-click POST) and the reader's choices (page, API)."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from content import services, versions
from content.models import Notification
from content.notifications import notifications_set, unsubscribe_token
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def thread(transactional_db, settings):
    """An article and a reader. Committed for real: the worker these tests run checks
    its connection as each task ends, and would close the test's open transaction."""
    settings.NOTIFICATION_DELAY = 0
    writer = UserFactory(username="writer", display_name="Wanda Writer")
    article = ArticleFactory(author=writer, title="Night ferry")
    first = UserFactory(username="first", display_name="Fay First")
    return {"writer": writer, "article": article, "first": first}


def post(django_capture_on_commit_callbacks, **fields):
    """A comment through the service, its transaction's callbacks run (the queueing)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.comment_create(**fields)


def run_worker():
    """The queued tasks, run by the real worker of the database queue, then their
    e-mails (queued by those tasks) the same way."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_a_reply_tells_the_author_of_the_answered_comment_and_the_articles_author(
    thread, django_capture_on_commit_callbacks
):
    root = post(
        django_capture_on_commit_callbacks,
        article=thread["article"],
        author=thread["first"],
        body="Was it late?",
    )
    run_worker()
    mail.outbox.clear()
    answerer = UserFactory(username="answerer", display_name="Ann Answer")
    post(
        django_capture_on_commit_callbacks,
        article=thread["article"],
        author=answerer,
        body="It was <b>on time</b>.",
        parent=root,
    )
    run_worker()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["first@example.com", "writer@example.com"]
    reply = by_recipient["first@example.com"]
    assert reply.subject == "[Gazette] Ann Answer replied to you: Night ferry"
    assert "It was <b>on time</b>." in reply.body
    html = reply.alternatives[0][0]
    assert "It was &lt;b&gt;on time&lt;/b&gt;." in html
    assert "<b>on time" not in html
    assert "commented on your article" in by_recipient["writer@example.com"].body


def test_an_answer_to_a_reply_tells_the_replys_author_not_only_the_threads(
    thread, django_capture_on_commit_callbacks
):
    root = services.comment_create(article=thread["article"], author=thread["first"], body="A")
    second = UserFactory(username="second")
    reply = services.comment_create(article=thread["article"], author=second, body="B", parent=root)
    answer = post(
        django_capture_on_commit_callbacks,
        article=thread["article"],
        author=UserFactory(username="third"),
        body="C",
        parent=reply,
    )
    assert answer.parent == root  # shown in the root's thread
    told = Notification.objects.filter(comment=answer).values_list("recipient__username", "kind")
    assert set(told) == {("second", "reply"), ("writer", "article_comment")}


def test_nobody_is_told_about_their_own_comment_or_with_the_kind_turned_off(
    thread, django_capture_on_commit_callbacks
):
    writer, article = thread["writer"], thread["article"]
    own = post(django_capture_on_commit_callbacks, article=article, author=writer, body="Mine")
    post(django_capture_on_commit_callbacks, article=article, author=writer, body="Me", parent=own)
    thread["first"].email_on_reply = False
    thread["first"].save()
    writer.email_on_article_comment = False
    writer.save()
    root = post(
        django_capture_on_commit_callbacks, article=article, author=thread["first"], body="x"
    )
    post(
        django_capture_on_commit_callbacks,
        article=article,
        author=UserFactory(username="someone"),
        body="y",
        parent=root,
    )
    run_worker()
    assert mail.outbox == []


def test_a_burst_of_replies_to_one_reader_is_one_email(thread, django_capture_on_commit_callbacks):
    thread["writer"].email_on_article_comment = False
    thread["writer"].save()
    root = services.comment_create(
        article=thread["article"], author=thread["first"], body="Ask me anything"
    )
    for number in range(10):
        post(
            django_capture_on_commit_callbacks,
            article=thread["article"],
            author=UserFactory(username=f"answer{number}"),
            body=f"Answer number {number}",
            parent=root,
        )
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["first@example.com"]
    assert message.subject == "[Gazette] 10 new comments for you"
    assert all(f"Answer number {number}" in message.body for number in range(10))
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_comment_hidden_before_the_email_goes_is_left_out(
    thread, django_capture_on_commit_callbacks, editor
):
    comment = post(
        django_capture_on_commit_callbacks,
        article=thread["article"],
        author=thread["first"],
        body="Spam spam",
    )
    services.comment_set_hidden(comment=comment, by=editor, hidden=True)
    run_worker()
    assert mail.outbox == []


def test_every_email_carries_one_click_unsubscribe_headers_and_a_working_link(
    thread, django_capture_on_commit_callbacks, client
):
    post(
        django_capture_on_commit_callbacks,
        article=thread["article"],
        author=thread["first"],
        body="Hello",
    )
    run_worker()
    (message,) = mail.outbox
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url.startswith("http://testserver/notifications/unsubscribe/")
    assert unsubscribe_url in message.body
    path = unsubscribe_url.removeprefix("http://testserver")

    # Opening the link (a person, or a mail scanner) only asks.
    page = client.get(path)
    assert page.status_code == 200
    assert b"Unsubscribe</button>" in page.content
    thread["writer"].refresh_from_db()
    assert thread["writer"].email_on_article_comment

    # A mail client's one-click POST: no cookies, no CSRF token.
    one_click = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    thread["writer"].refresh_from_db()
    assert not thread["writer"].email_on_article_comment
    assert thread["writer"].email_on_reply


def test_the_unsubscribe_page_posts_with_csrf_and_a_bad_token_is_a_clear_404(thread, client):
    csrf_client = type(client)(enforce_csrf_checks=True)
    token = unsubscribe_token(thread["first"], ["reply"])
    path = reverse("pages:notifications-unsubscribe", args=[token])
    page = csrf_client.get(path)
    csrf = page.cookies["csrftoken"].value
    assert csrf_client.post(path, {"csrfmiddlewaretoken": csrf}).status_code == 200
    thread["first"].refresh_from_db()
    assert not thread["first"].email_on_reply

    tampered = reverse("pages:notifications-unsubscribe", args=[token[:-2] + "xx"])
    for answer in (client.get(tampered), client.post(tampered)):
        assert answer.status_code == 404
        assert b"does not work" in answer.content


def test_a_reader_chooses_their_emails_on_the_account_page(reader, client):
    client.force_login(reader)
    page = client.get("/accounts/")
    assert page.status_code == 200
    assert b'name="email_on_reply"' in page.content
    saved = client.post("/accounts/", {"email_on_reply": "on"}, follow=True)
    assert b"Your e-mail choices are saved." in saved.content
    reader.refresh_from_db()
    assert (reader.email_on_reply, reader.email_on_article_comment) == (True, False)
    client.logout()
    assert client.get("/accounts/").status_code == 302


def test_a_reader_chooses_their_emails_through_the_api(reader, client):
    client.force_login(reader)
    answer = client.patch(
        "/api/v1/auth/user/",
        {"email_on_reply": False},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["email_on_reply"] is False
    assert answer.json()["email_on_article_comment"] is True
    reader.refresh_from_db()
    assert reader.email_on_reply is False
    bad = client.patch(
        "/api/v1/auth/user/", {"email_on_reply": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "email_on_reply" in str(bad.json())


def test_choosing_emails_changes_no_cached_page(reader, site):
    before = versions.current([versions.SITE])
    notifications_set(user=reader, email_on_reply=False)
    assert versions.current([versions.SITE]) == before
