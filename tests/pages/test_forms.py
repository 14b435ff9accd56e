"""The plain forms: comment, like, bookmark, with post/redirect/get and CSRF."""

import pytest
from django.test import Client

from content.models import COMMENT_MAX_LENGTH, Bookmark, Comment, Like
from tests.factories import ArticleFactory, LikeFactory
from tests.html import soup

pytestmark = pytest.mark.django_db


def assert_nothing_written():
    assert not Comment.objects.exists()
    assert not Like.objects.exists()
    assert not Bookmark.objects.exists()


def comment_url(article):
    return f"{article.get_absolute_url()}comments/"


def test_posting_a_comment_redirects_to_it(client, reader):
    article = ArticleFactory()
    client.force_login(reader)

    response = client.post(comment_url(article), {"body": "  Thoughtful reply.  "})

    comment = Comment.objects.get()
    assert (comment.article, comment.author, comment.body) == (article, reader, "Thoughtful reply.")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert "Thoughtful reply." in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something before posting."),
        ("   ", "Write something before posting."),
        ("x" * (COMMENT_MAX_LENGTH + 1), f"at most {COMMENT_MAX_LENGTH} characters"),
    ],
)
def test_an_invalid_comment_is_shown_again_with_the_reason_and_the_text(
    client, reader, body, message
):
    article = ArticleFactory()
    client.force_login(reader)

    response = client.post(comment_url(article), {"body": body})

    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one(".comment-form .form-errors").text
    assert page.select_one(".comment-form textarea").text.strip() == body.strip()
    assert page.h1.text == article.title
    assert not Comment.objects.exists()


def the_comment_form(response):
    """The fields the page's comment form would send: its one-time key, and the text."""
    form = soup(response).select_one(".comment-form")
    return {
        "idempotency_key": form.select_one("input[name=idempotency_key]")["value"],
        "body": form.textarea.text.strip(),
    }


def test_a_resubmitted_comment_form_stores_one_comment(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    form = {**the_comment_form(client.get(article.get_absolute_url())), "body": "Only once."}

    first = client.post(comment_url(article), form)
    again = client.post(comment_url(article), form)  # a double click, or back and resend

    comment = Comment.objects.get()
    assert comment.body == "Only once."
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == comment.get_absolute_url()


def test_each_page_after_a_post_carries_a_new_key(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    url = article.get_absolute_url()

    first_key = the_comment_form(client.get(url))["idempotency_key"]
    client.post(comment_url(article), {"idempotency_key": first_key, "body": "One."})
    second_key = the_comment_form(client.get(url))["idempotency_key"]
    client.post(comment_url(article), {"idempotency_key": second_key, "body": "Two."})

    assert first_key != second_key
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["One.", "Two."]


def test_a_form_resent_with_other_text_is_kept_for_a_new_post(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    key = the_comment_form(client.get(article.get_absolute_url()))["idempotency_key"]
    client.post(comment_url(article), {"idempotency_key": key, "body": "First thought."})

    refused = client.post(comment_url(article), {"idempotency_key": key, "body": "Second."})

    assert refused.status_code == 422
    assert "Post again to add this text" in soup(refused).select_one(".comment-form").text
    form = the_comment_form(refused)
    assert form["body"] == "Second."
    assert form["idempotency_key"] != key
    assert Comment.objects.count() == 1
    assert client.post(comment_url(article), form).status_code == 302
    assert Comment.objects.count() == 2


def test_a_refused_comment_keeps_its_key_so_the_corrected_one_posts_once(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    key = the_comment_form(client.get(article.get_absolute_url()))["idempotency_key"]

    refused = client.post(comment_url(article), {"idempotency_key": key, "body": "  "})
    form = {**the_comment_form(refused), "body": "Corrected."}
    for _ in range(2):
        client.post(comment_url(article), form)

    assert form["idempotency_key"] == key
    assert Comment.objects.get().body == "Corrected."


def test_a_visitors_page_carries_no_key(client):
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assert b"idempotency_key" not in response.content


def test_visitors_are_sent_to_sign_in_and_nothing_is_saved(client):
    article = ArticleFactory()

    response = client.post(comment_url(article), {"body": "Hello"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={article.get_absolute_url()}"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_take_no_comments_likes_or_bookmarks(client, reader, state):
    article = ArticleFactory(**{state: True})
    client.force_login(reader)

    assert client.post(comment_url(article), {"body": "Hi"}).status_code == 404
    for action in ("like", "bookmark"):
        url = f"{article.get_absolute_url()}{action}/"
        assert client.post(url, {"state": "on"}).status_code == 404
    assert_nothing_written()


def test_editors_previewing_a_draft_cannot_comment_like_or_bookmark_it(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    assert client.post(comment_url(article), {"body": "Looks good"}).status_code == 403
    for action in ("like", "bookmark"):
        url = f"{article.get_absolute_url()}{action}/"
        assert client.post(url, {"state": "on"}).status_code == 403
    assert_nothing_written()


def test_forms_refuse_posts_without_a_csrf_token(reader):
    article = ArticleFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.post(comment_url(article), {"body": "Hi"}).status_code == 403
    assert client.post(f"{article.get_absolute_url()}like/", {"state": "on"}).status_code == 403
    assert not Comment.objects.exists()
    assert not Like.objects.exists()


def test_pages_reject_get_on_form_endpoints(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    assert client.get(comment_url(article)).status_code == 405
    assert client.get(f"{article.get_absolute_url()}like/").status_code == 405


@pytest.mark.parametrize(("action", "model"), [("like", Like), ("bookmark", Bookmark)])
def test_like_and_bookmark_set_and_clear_and_repeating_changes_nothing(
    client, reader, action, model
):
    article = ArticleFactory()
    url = f"{article.get_absolute_url()}{action}/"
    client.force_login(reader)

    response = client.post(url, {"state": "on"})
    client.post(url, {"state": "on"})

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#reactions"
    assert model.objects.filter(user=reader, article=article).count() == 1
    client.post(url, {"state": "off"})
    client.post(url, {"state": "off"})
    assert not model.objects.filter(user=reader, article=article).exists()


def test_a_like_changes_the_count_on_the_page(client, reader):
    article = ArticleFactory()
    LikeFactory(article=article)
    client.force_login(reader)

    client.post(f"{article.get_absolute_url()}like/", {"state": "on"})

    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".reactions__count").text == "2 likes"
    assert page.select_one('form[action$="/like/"] button').text == "Liked"


def test_visitors_liking_are_sent_to_sign_in(client):
    article = ArticleFactory()
    response = client.post(f"{article.get_absolute_url()}like/", {"state": "on"})
    assert response["Location"] == f"/accounts/login/?next={article.get_absolute_url()}"
    assert not Like.objects.exists()
