"""Replies: one level of threads, on the same article, never to a hidden comment; a
deleted root's replies stand on their own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content import services
from content.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_every_backend]


@pytest.fixture
def root():
    return CommentFactory(body="Who built the lighthouse?")


def reply(to, author, body="An answer."):
    return services.comment_create(article=to.article, author=author, body=body, parent=to)


def test_a_reply_names_the_comment_it_answers(root, reader):
    answer = reply(root, reader)

    assert answer.parent == root
    assert list(root.replies.all()) == [answer]


def test_an_answer_to_a_reply_joins_its_threads_root(root, reader, other_reader):
    first = reply(root, reader)

    second = reply(first, other_reader)

    assert second.parent_id == root.pk
    assert set(root.replies.all()) == {first, second}


def test_a_reply_to_another_articles_comment_is_refused(root, reader):
    elsewhere = ArticleFactory()

    with pytest.raises(ValidationError) as refused:
        services.comment_create(article=elsewhere, author=reader, body="Hi", parent=root)

    assert list(refused.value.message_dict) == ["parent"]
    assert not Comment.objects.filter(article=elsewhere).exists()


def test_a_hidden_comment_takes_no_replies_not_even_from_a_moderator(root, editor):
    Comment.objects.filter(pk=root.pk).update(is_hidden=True)
    root.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        reply(root, editor)

    assert refused.value.message_dict == {"parent": [services.REPLY_REFUSED]}
    assert not root.replies.exists()


def test_a_visible_reply_under_a_hidden_root_may_still_be_answered(
    root, reader, other_reader, editor
):
    first = reply(root, reader)
    services.comment_set_hidden(comment=root, by=editor, hidden=True)

    second = reply(first, other_reader)

    assert second.parent_id == root.pk


def test_a_reply_keeps_the_rules_of_comments(reader):
    draft = ArticleFactory(draft=True)
    on_the_draft = CommentFactory(article=draft)

    with pytest.raises(PermissionDenied):
        reply(on_the_draft, reader)
    with pytest.raises(ValidationError):
        reply(CommentFactory(), reader, body="   ")


def test_deleting_a_root_keeps_its_replies_as_comments_of_their_own(root, reader, editor):
    answer = reply(root, reader, body="Someone else's words")

    services.comment_delete(comment=root, by=editor)

    answer.refresh_from_db()
    assert (answer.parent, answer.body) == (None, "Someone else's words")
