"""Editing and deleting one's own comment with plain forms (post/redirect/get), the way
comments.js does it through the API: same rules, from content/services.py."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from content.models import Comment
from tests.factories import ArticleFactory, CommentFactory, LikeFactory
from tests.html import soup, templates

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return f"/comments/{comment.pk}/edit/"


def delete_url(comment):
    return f"/comments/{comment.pk}/delete/"


@pytest.fixture
def comment(reader):
    return CommentFactory(author=reader, body="Frist!")


def test_the_author_edits_within_the_window_and_is_sent_back_to_the_comment(
    client, reader, comment
):
    client.force_login(reader)

    form = soup(client.get(edit_url(comment))).select_one("form[data-comment-edit]")
    assert form.textarea.text == "Frist!"
    response = client.post(edit_url(comment), {"body": "  First!  "})

    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.body == "First!"
    assert comment.edited_at is not None
    shown = soup(client.get(comment.article.get_absolute_url())).select_one(
        f"#comment-{comment.pk}"
    )
    assert "edited" in shown.select_one(".comment__meta").text


def test_an_invalid_edit_comes_back_with_the_reason_and_the_text(client, reader, comment):
    client.force_login(reader)

    response = client.post(edit_url(comment), {"body": "   "})

    assert response.status_code == 400
    page = soup(response)
    assert "Write something before posting." in page.select_one("form .form-errors").text
    comment.refresh_from_db()
    assert comment.body == "Frist!"


def test_after_fifteen_minutes_the_edit_is_refused(client, reader, comment):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(reader)

    assert client.get(edit_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"body": "Late"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Frist!"


def test_others_cannot_edit_or_delete_a_comment(client, other_reader, comment):
    client.force_login(other_reader)

    assert client.post(edit_url(comment), {"body": "Mine now"}).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Frist!"


def test_visitors_are_sent_to_sign_in(client, comment):
    response = client.post(delete_url(comment))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={delete_url(comment)}"
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_hidden_comment_is_not_found_by_its_author(client, reader, comment):
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    client.force_login(reader)

    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(delete_url(comment)).status_code == 404


def test_deleting_asks_first_then_deletes_and_returns_to_the_comments(client, reader, comment):
    client.force_login(reader)

    question = soup(client.get(delete_url(comment)))
    assert question.select_one("blockquote").text == "Frist!"
    assert Comment.objects.filter(pk=comment.pk).exists()
    response = client.post(delete_url(comment))

    assert response.status_code == 302
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comments-title"
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_moderators_delete_any_comment(client, editor, comment):
    client.force_login(editor)

    assert client.post(delete_url(comment)).status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_forms_need_the_csrf_token(reader, comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.post(edit_url(comment), {"body": "Changed"}).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Frist!"


def test_the_article_page_links_to_editing_and_deleting_ones_own_comments_reporting_others(
    client, reader, comment
):
    others = CommentFactory(article=comment.article, body="Someone else's")
    client.force_login(reader)

    page = soup(client.get(comment.article.get_absolute_url()))

    mine = page.select_one(f"#comment-{comment.pk}")
    assert [a["href"] for a in mine.select(".comment__actions a")] == [
        f"/comments/{comment.pk}/reply/",
        edit_url(comment),
        delete_url(comment),
    ]
    others_links = page.select(f"#comment-{others.pk} .comment__actions a")
    assert [a["href"] for a in others_links] == [
        f"/comments/{others.pk}/reply/",
        f"/comments/{others.pk}/report/",
    ]


def test_after_the_window_only_deleting_is_offered(client, reader, comment):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(reader)

    page = soup(client.get(comment.article.get_absolute_url()))

    links = page.select(f"#comment-{comment.pk} .comment__actions a")
    assert [a.text for a in links] == ["Reply", "Delete"]


def test_moderators_are_offered_deleting_every_comment(client, editor, comment):
    client.force_login(editor)

    page = soup(client.get(comment.article.get_absolute_url()))

    links = page.select(f"#comment-{comment.pk} .comment__actions a")
    assert [a.text for a in links] == ["Reply", "Delete", "Report"]


# --- What the JavaScript finds on the page ------------------------------------------------


def test_anonymous_article_pages_are_the_same_for_every_visitor(reader):
    article = ArticleFactory()
    CommentFactory(article=article, author=reader)
    LikeFactory(article=article, user=reader)
    signed_in = Client()
    signed_in.force_login(reader)
    signed_in.get(article.get_absolute_url())
    signed_in.logout()

    pages = [c.get(article.get_absolute_url()) for c in (Client(), Client(), signed_in)]

    assert pages[0].content == pages[1].content == pages[2].content
    assert all("csrftoken" not in page.cookies for page in pages)
    assert b"csrfmiddlewaretoken" not in pages[0].content


def test_visitors_get_the_members_parts_as_inert_templates_without_a_token(client):
    article = ArticleFactory()

    found = templates(client.get(article.get_absolute_url()))

    assert found["comment-form"].select_one("form[data-comment-form] textarea[name=body]")
    assert [f["data-mark"] for f in found["reactions"].select("form")] == ["like", "bookmark"]
    assert found["nav"].select_one("form[data-sign-out]")
    assert found["comment"].select_one(".comment__actions")
    assert all(
        t.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None for t in found.values()
    )


def test_members_get_the_visitors_parts_as_templates(client, reader):
    article = ArticleFactory()
    client.force_login(reader)

    found = templates(client.get(article.get_absolute_url()))

    assert found["nav"].select_one('a[data-auth-open="login"]')
    assert found["reactions"].select_one('a[data-auth-open="login"]')
    assert found["comment-form"].select_one('a[data-auth-open="login"]')
