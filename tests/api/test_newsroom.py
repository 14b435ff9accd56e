"""The change form's editing aids: preview, autosave and presence (api/newsroom.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.markdown import render_markdown
from content.models import EDITED_TEXT_MAX_LENGTH, Article, ArticleAutosave, ArticlePresence
from content.services import PRESENCE_WINDOW
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

PREVIEW_URL = reverse("api:preview")
TYPED = {"title": "Half-written", "summary": "Not yet", "body": "Draft *body*"}


def autosave_url(article):
    return reverse("api:article-autosave", args=[article.slug])


def presence_url(article):
    return reverse("api:article-presence", args=[article.slug])


# --- Preview ---------------------------------------------------------------------------


def test_staff_preview_is_the_sanitized_rendering_a_save_would_store(sign_in, author):
    body = "# Tides\n\n**High** water <script>alert('x')</script> [x](javascript:alert(1))"

    response = sign_in(author).post(PREVIEW_URL, {"body": body})

    assert response.status_code == 200
    html = response.json()["body_html"]
    assert html == render_markdown(body)
    assert "<h2>Tides</h2>" in html
    assert "<strong>High</strong>" in html
    assert "script" not in html
    assert "alert" not in html
    assert "javascript:" not in html
    assert response["Cache-Control"] == "no-store"


def test_readers_may_not_preview_and_visitors_must_sign_in(api, sign_in, reader):
    assert sign_in(reader).post(PREVIEW_URL, {"body": "x"}).status_code == 403
    assert api.post(PREVIEW_URL, {"body": "x"}).status_code == 401


def test_a_preview_body_has_a_size_limit(sign_in, author):
    response = sign_in(author).post(PREVIEW_URL, {"body": "x" * (EDITED_TEXT_MAX_LENGTH + 1)})

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


# --- Autosave ----------------------------------------------------------------------------


def test_an_autosave_keeps_the_typed_text_and_leaves_the_article_alone(sign_in, author):
    article = ArticleFactory(author=author, draft=True, title="As saved")
    client = sign_in(author)

    assert client.put(autosave_url(article), TYPED).status_code == 200

    saved = client.get(autosave_url(article)).json()
    assert {name: saved[name] for name in TYPED} == TYPED
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.revision) == ("As saved", article.revision)


def test_each_person_gets_only_their_own_autosave(sign_in, author, editor):
    article = ArticleFactory(author=author)
    sign_in(author).put(autosave_url(article), TYPED)
    sign_in(editor).put(autosave_url(article), {**TYPED, "body": "The editor's cut"})

    assert sign_in(author).get(autosave_url(article)).json()["body"] == TYPED["body"]
    assert sign_in(editor).get(autosave_url(article)).json()["body"] == "The editor's cut"
    # An Editor who never autosaved gets none, not the author's.
    other_editor = StaffFactory(username="night-editor", role="Editors")
    assert sign_in(other_editor).get(autosave_url(article)).status_code == 404


def test_only_staff_who_may_change_the_article_can_autosave_it(
    api, sign_in, reader, author, other_author
):
    article = ArticleFactory(author=other_author)

    assert sign_in(author).put(autosave_url(article), TYPED).status_code == 404
    assert sign_in(author).get(autosave_url(article)).status_code == 404
    assert sign_in(reader).put(autosave_url(article), TYPED).status_code == 403
    assert api.put(autosave_url(article), TYPED).status_code == 401
    assert not ArticleAutosave.objects.exists()


def test_discarding_an_autosave_deletes_only_yours(sign_in, author, editor):
    article = ArticleFactory(author=author)
    sign_in(author).put(autosave_url(article), TYPED)
    sign_in(editor).put(autosave_url(article), TYPED)

    assert sign_in(author).delete(autosave_url(article)).status_code == 204

    assert sign_in(author).get(autosave_url(article)).status_code == 404
    assert sign_in(editor).get(autosave_url(article)).status_code == 200


def test_an_autosave_refuses_what_is_not_text(sign_in, author):
    article = ArticleFactory(author=author)

    response = sign_in(author).put(autosave_url(article), {**TYPED, "body": 12})

    assert response.status_code == 400
    assert not ArticleAutosave.objects.exists()


# --- Presence ----------------------------------------------------------------------------


def names(response):
    assert response.status_code == 200, response.content
    return [other["username"] for other in response.json()["others"]]


def test_presence_names_the_others_with_the_form_open_never_yourself(sign_in, author, editor):
    article = ArticleFactory(author=author)
    as_author, as_editor = sign_in(author), sign_in(editor)

    assert names(as_author.post(presence_url(article))) == []
    assert names(as_editor.post(presence_url(article))) == ["author"]
    assert names(as_author.post(presence_url(article))) == ["editor"]
    assert as_author.post(presence_url(article)).json()["interval"] == 15


def test_presence_forgets_whoever_stopped_saying_so_or_left(sign_in, author, editor):
    article = ArticleFactory(author=author)
    other_editor = StaffFactory(username="night-editor", role="Editors")
    sign_in(editor).post(presence_url(article))
    sign_in(other_editor).post(presence_url(article))
    ArticlePresence.objects.filter(user=editor).update(
        seen_at=timezone.now() - PRESENCE_WINDOW - timedelta(seconds=1)
    )

    assert names(sign_in(author).post(presence_url(article))) == ["night-editor"]

    assert sign_in(other_editor).delete(presence_url(article)).status_code == 204
    assert names(sign_in(author).post(presence_url(article))) == []


def test_presence_is_for_staff_who_may_change_the_article(
    api, sign_in, reader, author, other_author
):
    article = ArticleFactory(author=other_author)

    assert sign_in(author).post(presence_url(article)).status_code == 404
    assert sign_in(reader).post(presence_url(article)).status_code == 403
    assert api.post(presence_url(article)).status_code == 401
    assert not ArticlePresence.objects.exists()
