"""Replies without JavaScript: threads on the article page (one level, a hidden root as a
placeholder over its readable replies), a Reply link to a page with the form, and
post/redirect/get back to the reply's anchor."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import Comment
from tests.factories import ArticleFactory, CommentFactory
from tests.html import soup

pytestmark = pytest.mark.django_db


def reply_url(comment):
    return f"/comments/{comment.pk}/reply/"


@pytest.fixture
def root():
    return CommentFactory(body="Who built the lighthouse?")


def thread_texts(page, root_id):
    thread = page.select_one(f'[data-thread="{root_id}"]')
    return [p.text for p in thread.select("[data-replies] .comment__body")]


def test_replies_are_shown_under_their_root_in_time_order(client, root):
    later_root = CommentFactory(article=root.article, body="Another question")
    CommentFactory(article=root.article, parent=root, body="The harbour board.")
    CommentFactory(article=root.article, parent=root, body="In 1871.")

    page = soup(client.get(root.article.get_absolute_url()))

    threads = page.select("[data-comment-list] > [data-thread]")
    assert [t["data-thread"] for t in threads] == [str(root.pk), str(later_root.pk)]
    assert thread_texts(page, root.pk) == ["The harbour board.", "In 1871."]
    assert page.select_one("#comments-title").text == "4 comments"
    assert page.select_one(f"#comment-{root.pk} a[data-field=reply]")["href"] == reply_url(root)


def test_a_hidden_root_is_a_placeholder_over_its_readable_replies(client, root):
    CommentFactory(article=root.article, parent=root, body="Still worth reading.")
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)

    page = soup(client.get(root.article.get_absolute_url()))

    thread = page.select_one(f'[data-thread="{root.pk}"]')
    assert thread.select_one(".comment-thread__placeholder").text == "Hidden comment"
    assert "lighthouse" not in thread.text
    assert root.author.public_name not in thread.text
    assert thread_texts(page, root.pk) == ["Still worth reading."]


def test_moderators_see_the_hidden_root_marked(client, editor, root):
    CommentFactory(article=root.article, parent=root, body="Still worth reading.")
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)
    client.force_login(editor)

    page = soup(client.get(root.article.get_absolute_url()))

    hidden = page.select_one(f"#comment-{root.pk}")
    assert "Hidden by moderation" in hidden.text
    assert hidden.select_one("a[data-field=reply]") is None
    assert page.select_one(".comment-thread__placeholder") is None


def test_the_reply_page_shows_the_comment_and_the_form(client, reader, root):
    client.force_login(reader)

    page = soup(client.get(reply_url(root)))

    assert page.select_one(f"#comment-{root.pk} .comment__body").text == root.body
    form = page.select_one("form[data-comment-reply]")
    assert form["action"] == reply_url(root)
    assert form.select_one("[name=csrfmiddlewaretoken]")
    assert form.select_one("[name=idempotency_key]")


def test_visitors_get_the_way_to_sign_in_on_the_reply_page(client, root):
    page = soup(client.get(reply_url(root)))

    assert page.select_one("form[data-comment-reply]") is None
    link = page.find("a", string="Sign in")
    assert link["href"] == f"{reverse('account_login')}?next={reply_url(root)}"
    response = client.post(reply_url(root), {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not root.replies.exists()


def test_a_reply_goes_back_to_its_anchor_on_the_article_page(client, reader, root):
    answer_to = CommentFactory(article=root.article, parent=root)
    client.force_login(reader)

    response = client.post(reply_url(answer_to), {"body": "  The harbour board.  "})

    reply = Comment.objects.get(author=reader)
    assert (reply.parent, reply.body) == (root, "The harbour board.")
    assert response.status_code == 302
    assert response["Location"] == f"{root.article.get_absolute_url()}#comment-{reply.pk}"
    page = soup(client.get(response["Location"]))
    assert thread_texts(page, root.pk)[-1] == "The harbour board."


def test_a_refused_reply_is_shown_again_with_the_reason(client, reader, root):
    client.force_login(reader)

    response = client.post(reply_url(root), {"body": "   "})

    assert response.status_code == 400
    form = soup(response).select_one("form[data-comment-reply]")
    assert "Write something before posting." in form.select_one("[data-field=errors]").text
    assert not root.replies.exists()


def test_the_same_form_sent_twice_posts_one_reply(client, reader, root):
    client.force_login(reader)
    data = {"body": "Once.", "idempotency_key": "k" * 20}

    first = client.post(reply_url(root), data)
    second = client.post(reply_url(root), data)

    assert first["Location"] == second["Location"]
    assert root.replies.count() == 1


def test_a_hidden_comment_has_no_reply_page_for_readers(client, reader, root):
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)
    client.force_login(reader)

    assert client.get(reply_url(root)).status_code == 404
    assert client.post(reply_url(root), {"body": "Hi"}).status_code == 404


def test_a_moderators_reply_to_a_hidden_comment_is_refused_with_a_message(client, editor, root):
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)
    client.force_login(editor)

    response = client.post(reply_url(root), {"body": "Hi"})

    assert response.status_code == 400
    assert "Reply to a comment shown on this article." in response.content.decode()
    assert not root.replies.exists()


def test_a_reply_needs_the_csrf_token(reader, root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.post(reply_url(root), {"body": "Hi"}).status_code == 403
    assert not root.replies.exists()


def test_replies_are_escaped(client, reader, root):
    client.force_login(reader)
    client.post(reply_url(root), {"body": "<script>alert(1)</script>"})

    page = client.get(root.article.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Query counts ----------------------------------------------------------------------


def thread_of(size):
    """An article with `size` comments: half roots, each answered once."""
    article = ArticleFactory()
    roots = CommentFactory.create_batch(size // 2, article=article)
    for root in roots:
        CommentFactory(article=article, parent=root)
    return article


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_thread_of_200_costs_as_many_queries_as_one_of_2(client, reader, signed_in):
    small, big = thread_of(2), thread_of(200)
    if signed_in:
        client.force_login(reader)
    api = reverse("api:article-comments", kwargs={"slug": small.slug})

    assert queries(client, big.get_absolute_url()) == queries(client, small.get_absolute_url())
    assert queries(client, api.replace(small.slug, big.slug)) == queries(client, api)
