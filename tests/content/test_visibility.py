"""The one visibility rule: who sees which articles and comments."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from content.models import Article, Comment
from tests.factories import ArticleFactory, CommentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(author):
    return {
        "published": ArticleFactory(author=author),
        "draft": ArticleFactory(author=author, draft=True),
        "scheduled": ArticleFactory(author=author, scheduled=True),
    }


def test_only_published_articles_whose_time_has_come_are_published(articles):
    assert list(Article.objects.published()) == [articles["published"]]


def test_a_scheduled_article_becomes_visible_when_its_time_passes(articles, monkeypatch):
    scheduled = articles["scheduled"]
    assert scheduled not in Article.objects.published()

    later = scheduled.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert scheduled in Article.objects.published()
    assert scheduled in Article.objects.visible_to(AnonymousUser())


def test_anonymous_and_signed_in_readers_see_only_published_articles(articles):
    for user in (AnonymousUser(), UserFactory()):
        assert list(Article.objects.visible_to(user)) == [articles["published"]]


def test_an_author_sees_own_drafts_but_not_another_authors(articles, other_author):
    others_draft = ArticleFactory(author=other_author, draft=True)

    visible = set(Article.objects.visible_to(articles["draft"].author))

    assert visible == set(articles.values())
    assert others_draft not in set(Article.objects.visible_to(articles["draft"].author))


def test_editors_and_superusers_see_drafts_and_scheduled_articles(articles, editor):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for user in (editor, superuser):
        assert set(Article.objects.visible_to(user)) == set(articles.values())


def test_staff_without_change_permission_cannot_see_drafts(articles):
    staff_without_role = StaffFactory()
    assert list(Article.objects.visible_to(staff_without_role)) == [articles["published"]]


def test_an_inactive_editor_sees_only_published_articles(articles, editor):
    editor.is_active = False
    editor.save()
    assert list(Article.objects.visible_to(editor)) == [articles["published"]]


def test_readers_see_visible_comments_of_visible_articles_only(articles):
    shown = CommentFactory(article=articles["published"])
    CommentFactory(article=articles["published"], is_hidden=True)
    CommentFactory(article=articles["draft"])
    CommentFactory(article=articles["scheduled"])

    assert list(Comment.objects.visible()) == [shown]
    assert list(Comment.objects.visible_to(UserFactory())) == [shown]


def test_moderators_also_see_hidden_comments(articles, editor):
    shown = CommentFactory(article=articles["published"])
    hidden = CommentFactory(article=articles["published"], is_hidden=True)

    assert set(Comment.objects.visible_to(editor)) == {shown, hidden}


def test_newest_first_orders_by_publication_time():
    now = timezone.now()
    old = ArticleFactory(published_at=now - timedelta(days=2))
    new = ArticleFactory(published_at=now - timedelta(days=1))

    assert list(Article.objects.published().newest_first()) == [new, old]
