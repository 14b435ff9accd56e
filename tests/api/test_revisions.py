"""The revisions API: staff who may change an article list its revisions and restore
one, through the same services as the admin (issue 18)."""

import pytest
from django.test import Client
from django.urls import reverse

from content.models import Article
from content.revisions import revisions_of
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def list_url(article):
    return reverse("api:article-revisions", args=[article.slug])


def restore_url(article, record):
    return reverse("api:article-revision-restore", args=[article.slug, record.history_id])


@pytest.fixture
def saved_twice(author, editor):
    """An author's draft: created with a tag, retitled by a script, then its body changed
    by an editor through the admin."""
    article = ArticleFactory(author=author, draft=True, title="Ferry", tags=[TagFactory()])
    article.title = "Night ferry"
    article.save()
    admin = Client()
    admin.force_login(editor)
    data = {
        "title": article.title,
        "slug": article.slug,
        "author": author.pk,
        "summary": article.summary,
        "body": "Rewritten.",
        "tags": [tag.pk for tag in article.tags.all()],
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "based_on": article.revision,
    }
    change_url = reverse("admin:content_article_change", args=[article.pk])
    assert admin.post(change_url, data).status_code == 302
    article.refresh_from_db()
    return article


def test_staff_list_an_articles_revisions_with_who_and_what_changed(saved_twice, editor, sign_in):
    response = sign_in(editor).get(list_url(saved_twice))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["revision"], r["changed_fields"]) for r in results] == [
        (3, ["body"]),
        (2, ["title"]),
        (1, []),
    ]
    assert results[0]["saved_by"] == {"username": "editor", "name": editor.public_name}
    assert results[1]["saved_by"] is None  # a script's save
    assert set(results[0]) == {"id", "revision", "saved_at", "saved_by", "changed_fields", "reason"}
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_an_author_lists_the_revisions_of_their_own_article(saved_twice, author, sign_in):
    assert sign_in(author).get(list_url(saved_twice)).status_code == 200


def test_restoring_makes_a_new_revision_and_answers_it(saved_twice, author, sign_in):
    first = list(revisions_of(saved_twice))[-1]

    response = sign_in(author).post(restore_url(saved_twice, first))

    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["reason"]) == (4, "Restored revision 1")
    assert body["changed_fields"] == ["title", "body"]
    assert body["saved_by"]["username"] == "author"
    article = Article.objects.get(pk=saved_twice.pk)
    assert (article.title, article.body, article.revision) == ("Ferry", first.body, 4)


def test_a_repeated_restore_with_its_idempotency_key_restores_once(saved_twice, editor, sign_in):
    client = sign_in(editor)
    first = list(revisions_of(saved_twice))[-1]
    headers = {"Idempotency-Key": "restore-1"}

    answers = [client.post(restore_url(saved_twice, first), headers=headers) for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert Article.objects.get(pk=saved_twice.pk).revision == 4


def test_anonymous_clients_are_refused(saved_twice, api):
    first = list(revisions_of(saved_twice))[-1]

    assert api.get(list_url(saved_twice)).status_code in (401, 403)
    assert api.post(restore_url(saved_twice, first)).status_code in (401, 403)


@pytest.mark.parametrize("who", ["reader", "other_author"])
def test_readers_and_other_authors_find_no_revisions(saved_twice, sign_in, request, who):
    client = sign_in(request.getfixturevalue(who))
    first = list(revisions_of(saved_twice))[-1]

    assert client.get(list_url(saved_twice)).status_code == 404
    response = client.post(restore_url(saved_twice, first))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Article.objects.get(pk=saved_twice.pk).revision == 3


def test_a_revision_of_another_article_cannot_be_restored_here(saved_twice, editor, sign_in):
    other = revisions_of(ArticleFactory()).get()

    assert sign_in(editor).post(restore_url(saved_twice, other)).status_code == 404


@pytest.mark.parametrize("saves", [1, 10])
def test_the_revision_list_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries, editor, sign_in, saves
):
    article = ArticleFactory(tags=[TagFactory(), TagFactory()])
    for n in range(saves):
        article.title = f"Take {n}"
        article.save()
    client = sign_in(editor)
    client.get(list_url(article))

    with django_assert_max_num_queries(API_REVISION_LIST_QUERIES):
        assert client.get(list_url(article)).status_code == 200


# Session, user, permissions (2), the article, the revisions, their tags.
API_REVISION_LIST_QUERIES = 7
