"""The article change form without JavaScript: the Preview button, and the autosave offered
back to its own author only (the JavaScript's side is tests/browser/test_article_editing.py)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Article, ArticleAutosave
from tests.factories import ArticleFactory, admin_article_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:content_article_change", args=[article.pk])


def preview_of(response):
    return BeautifulSoup(response.content, "html.parser").select_one("[data-body-preview]")


def field_value(response, name):
    field = BeautifulSoup(response.content, "html.parser").find(attrs={"name": name})
    return field.text if field.name == "textarea" else field["value"]


def autosave(article, user, **fields):
    """`user`'s autosave of `article`, newer than its last save."""
    return services.autosave_store(article=article, user=user, **fields)


def test_preview_shows_the_typed_body_keeps_every_value_and_saves_nothing(client, author):
    article = ArticleFactory(author=author, draft=True, title="As saved", body="Saved body")
    client.force_login(author)

    response = client.post(
        change_url(article),
        admin_article_form(
            article,
            title="Typed title",
            body="**Typed** <script>alert(1)</script>",
            _preview="Preview",
        ),
    )

    assert response.status_code == 200
    preview = preview_of(response)
    assert preview.strong.text == "Typed"
    assert not preview.find("script")
    assert "alert" not in preview.text
    assert field_value(response, "title") == "Typed title"
    assert "Typed" in field_value(response, "body")
    assert "nothing was saved" in response.content.decode()
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.body, stored.revision) == (
        "As saved",
        "Saved body",
        article.revision,
    )


def test_preview_shows_validation_errors_as_saving_would(client, author):
    article = ArticleFactory(author=author, draft=True)
    client.force_login(author)

    response = client.post(
        change_url(article),
        admin_article_form(article, title="", body="# Still", _preview="Preview"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert preview_of(response).h2.text == "Still"


def test_preview_on_the_add_form_creates_nothing(client, author):
    client.force_login(author)
    data = admin_article_form(title="New", summary="S", body="*New* body")

    response = client.post(reverse("admin:content_article_add"), {**data, "_preview": "Preview"})

    assert response.status_code == 200
    assert preview_of(response).em.text == "New"
    assert not Article.objects.exists()


def test_the_change_form_offers_your_newer_autosave_and_restores_it_without_javascript(
    client, author
):
    article = ArticleFactory(author=author, title="As saved")
    autosave(article, author, title="Typed title", summary="Typed summary", body="Typed body")
    client.force_login(author)

    page = client.get(change_url(article))
    assert "Unsaved changes from" in page.content.decode()
    restored = client.get(change_url(article), {"restore_autosave": "1"})

    assert field_value(restored, "title") == "Typed title"
    assert "Typed body" in field_value(restored, "body")
    assert Article.objects.get(pk=article.pk).title == "As saved"


def test_one_persons_autosave_never_reaches_anothers_form(client, author, editor):
    article = ArticleFactory(author=author, title="As saved")
    autosave(article, author, title="The author's secret draft", summary="", body="Private")
    client.force_login(editor)

    for response in (
        client.get(change_url(article)),
        client.get(change_url(article), {"restore_autosave": "1"}),
    ):
        page = response.content.decode()
        assert "Unsaved changes" not in page
        assert "secret draft" not in page
        assert "Private" not in page
        assert field_value(response, "title") == "As saved"


def test_an_autosave_older_than_the_last_save_is_not_offered(client, author):
    article = ArticleFactory(author=author)
    autosave(article, author, title="Old", summary="", body="")
    ArticleAutosave.objects.update(saved_at=timezone.now() - timedelta(hours=1))
    client.force_login(author)

    assert "Unsaved changes" not in client.get(change_url(article)).content.decode()


def test_saving_the_form_deletes_your_autosave_and_keeps_the_others(client, author, editor):
    article = ArticleFactory(author=author, draft=True)
    autosave(article, author, title="Typed", summary="", body="")
    autosave(article, editor, title="Theirs", summary="", body="")
    client.force_login(author)

    response = client.post(change_url(article), admin_article_form(article, title="Saved now"))

    assert response.status_code == 302
    assert list(ArticleAutosave.objects.values_list("user__username", flat=True)) == ["editor"]


def test_discard_without_javascript_deletes_your_autosave_and_saves_nothing(client, author):
    article = ArticleFactory(author=author, title="As saved")
    autosave(article, author, title="Typed", summary="", body="")
    client.force_login(author)

    response = client.post(change_url(article), {"_discard_autosave": "Discard"})

    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    assert not ArticleAutosave.objects.exists()
    assert Article.objects.get(pk=article.pk).title == "As saved"
