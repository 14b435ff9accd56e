"""Replies through the API: `parent` on create, every comment's `parent` in one flat
list oldest first, and `?after=` bringing new replies in order with the rest."""

import pytest
from django.urls import reverse

from content.models import Comment
from content.services import REPLY_REFUSED
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return CommentFactory(body="Who built the lighthouse?")


def comments_url(article):
    return reverse("api:article-comments", kwargs={"slug": article.slug})


def post_reply(client, article, parent, body="The harbour board."):
    return client.post(comments_url(article), {"body": body, "parent": parent})


def test_a_reply_is_posted_with_its_parent(sign_in, reader, root):
    response = post_reply(sign_in(reader), root.article, root.pk)

    assert response.status_code == 201, response.content
    assert response.json()["parent"] == root.pk
    assert Comment.objects.get(pk=response.json()["id"]).parent == root


def test_an_answer_to_a_reply_gets_the_threads_root_as_parent(sign_in, reader, root):
    first = CommentFactory(article=root.article, parent=root)

    response = post_reply(sign_in(reader), root.article, first.pk)

    assert response.status_code == 201
    assert response.json()["parent"] == root.pk


def test_the_list_is_flat_oldest_first_with_each_comments_parent(api, root):
    other_root = CommentFactory(article=root.article)
    first = CommentFactory(article=root.article, parent=root)
    second = CommentFactory(article=root.article, parent=other_root)

    results = api.get(comments_url(root.article)).json()["results"]

    assert [(item["id"], item["parent"]) for item in results] == [
        (root.pk, None),
        (other_root.pk, None),
        (first.pk, root.pk),
        (second.pk, other_root.pk),
    ]


def test_after_brings_new_replies_and_comments_in_order(sign_in, reader, other_reader, root):
    seen = root.pk
    answer = post_reply(sign_in(reader), root.article, root.pk).json()
    another = sign_in(other_reader).post(comments_url(root.article), {"body": "New"}).json()
    answer_to_answer = post_reply(sign_in(other_reader), root.article, answer["id"]).json()

    results = sign_in(reader).get(f"{comments_url(root.article)}?after={seen}").json()["results"]

    assert [(item["id"], item["parent"]) for item in results] == [
        (answer["id"], root.pk),
        (another["id"], None),
        (answer_to_answer["id"], root.pk),
    ]


def test_a_hidden_parents_replies_are_listed_without_it(api, root):
    answer = CommentFactory(article=root.article, parent=root)
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)

    results = api.get(comments_url(root.article)).json()["results"]

    assert [(item["id"], item["parent"]) for item in results] == [(answer.pk, root.pk)]


@pytest.mark.parametrize(
    "parent",
    ["hidden", "elsewhere", "missing"],
)
def test_a_parent_not_shown_on_this_article_is_one_and_the_same_400(sign_in, reader, root, parent):
    hidden = CommentFactory(article=root.article, is_hidden=True)
    elsewhere = CommentFactory(article=ArticleFactory())
    ids = {"hidden": hidden.pk, "elsewhere": elsewhere.pk, "missing": elsewhere.pk + 1000}

    response = post_reply(sign_in(reader), root.article, ids[parent])

    assert response.status_code == 400
    assert response.json()["errors"] == {"parent": [REPLY_REFUSED]}
    assert not Comment.objects.filter(parent__isnull=False).exists()


@pytest.mark.same_on_every_backend
@pytest.mark.parametrize("parent", ["one", 0, -1, 2**63, True, [1], {"id": 1}])
def test_a_parent_that_is_no_comment_id_is_a_400(sign_in, reader, root, parent):
    response = post_reply(sign_in(reader), root.article, parent)

    assert response.status_code == 400
    assert "parent" in response.json()["errors"]


def test_a_null_parent_posts_a_comment_of_its_own(sign_in, reader, root):
    response = post_reply(sign_in(reader), root.article, None)

    assert response.status_code == 201
    assert response.json()["parent"] is None


def test_visitors_cannot_reply(api, root):
    assert post_reply(api, root.article, root.pk).status_code in (401, 403)
    assert not root.replies.exists()
