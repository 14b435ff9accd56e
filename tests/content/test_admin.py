"""Django admin: the newsroom roles hold by URL, not just in lists."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from content.models import Article, Comment
from content.roles import ROLES
from tests.factories import ArticleFactory, CommentFactory, admin_article_form

pytestmark = pytest.mark.django_db


def test_every_migrate_makes_a_missing_role_and_keeps_what_staff_changed_in_one():
    publish = Permission.objects.get(codename="publish_article")
    editors = Group.objects.get(name="Editors")
    assert publish in editors.permissions.all()
    editors.permissions.remove(publish)
    Group.objects.filter(name="Authors").delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    authors = Group.objects.get(name="Authors")
    assert set(authors.permissions.values_list("codename", flat=True)) == set(ROLES["Authors"])
    assert publish not in Group.objects.get(name="Editors").permissions.all()


def change_url(article):
    return reverse("admin:content_article_change", args=[article.pk])


def test_an_author_opens_and_changes_own_article(client, author):
    article = ArticleFactory(author=author, draft=True)
    client.force_login(author)

    assert client.get(change_url(article)).status_code == 200
    response = client.post(
        change_url(article),
        admin_article_form(title="Retitled", slug=article.slug, based_on=article.revision),
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Retitled"


def test_an_author_cannot_open_another_authors_article_by_url(client, author, other_author):
    theirs = ArticleFactory(author=other_author, title="Theirs")
    client.force_login(author)

    assert client.get(change_url(theirs)).status_code == 404
    assert client.post(change_url(theirs), admin_article_form(title="Mine now")).status_code == 404
    delete_url = reverse("admin:content_article_delete", args=[theirs.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 404
    assert Article.objects.get(pk=theirs.pk).title == "Theirs"


def test_an_authors_article_list_shows_only_their_own(client, author, other_author):
    ArticleFactory(author=author, title="My piece")
    ArticleFactory(author=other_author, title="Their piece")
    client.force_login(author)

    page = client.get(reverse("admin:content_article_changelist")).content.decode()

    assert "My piece" in page
    assert "Their piece" not in page


def test_an_authors_new_article_is_their_own_draft_whatever_the_form_says(
    client, author, other_author
):
    client.force_login(author)

    response = client.post(
        reverse("admin:content_article_add"),
        admin_article_form(author=other_author.pk, status="published", is_featured="on"),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.author, article.status, article.is_featured) == (author, "draft", False)
    assert article.slug == "notes-from-the-night-desk"


def test_authors_cannot_publish_in_bulk(client, author):
    draft = ArticleFactory(author=author, draft=True)
    client.force_login(author)

    client.post(
        reverse("admin:content_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )

    assert Article.objects.get(pk=draft.pk).status == "draft"


def test_an_editor_changes_any_article_and_publishes_in_bulk(client, editor, author):
    drafts = [ArticleFactory(author=author, draft=True) for _ in range(2)]
    client.force_login(editor)

    assert client.get(change_url(drafts[0])).status_code == 200
    response = client.post(
        reverse("admin:content_article_changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )

    assert response.status_code == 302
    assert Article.objects.published().count() == 2


def test_an_editor_unpublishes_in_bulk(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    client.post(
        reverse("admin:content_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )

    assert not Article.objects.published().exists()


def test_the_change_page_previews_the_sanitized_body(client, editor):
    article = ArticleFactory(body="**Bold** <script>alert('x')</script>")
    client.force_login(editor)

    page = client.get(change_url(article)).content.decode()

    assert "<strong>Bold</strong>" in page
    assert "alert('x')" not in page.split("data-body-preview", 1)[1].split("</div>", 1)[0]


def test_the_article_list_filters_by_publication_state(client, editor):
    ArticleFactory(title="Out now")
    ArticleFactory(title="Coming soon", scheduled=True)
    ArticleFactory(title="Still writing", draft=True)
    client.force_login(editor)

    page = client.get(reverse("admin:content_article_changelist"), {"state": "scheduled"})

    assert [a.title for a in page.context["cl"].result_list] == ["Coming soon"]


def test_an_editor_hides_and_shows_comments_in_bulk(client, editor):
    comments = [CommentFactory() for _ in range(3)]
    client.force_login(editor)
    changelist = reverse("admin:content_comment_changelist")

    client.post(
        changelist, {"action": "hide_selected", "_selected_action": [c.pk for c in comments]}
    )
    assert Comment.objects.filter(is_hidden=True).count() == 3

    client.post(changelist, {"action": "show_selected", "_selected_action": [comments[0].pk]})
    assert Comment.objects.filter(is_hidden=True).count() == 2


def test_authors_cannot_moderate_comments(client, author):
    CommentFactory()
    client.force_login(author)

    assert client.get(reverse("admin:content_comment_changelist")).status_code == 403


def test_admin_pages_open_for_an_editor(client, editor):
    CommentFactory()
    client.force_login(editor)
    for name in (
        "admin:index",
        "admin:content_article_changelist",
        "admin:content_article_add",
        "admin:content_comment_changelist",
        "admin:content_tag_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client):
    response = client.get(reverse("admin:content_article_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
