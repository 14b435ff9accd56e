"""The staff article API: Authors write their own drafts, Editors everything; a change
names the revision it starts from (If-Match), so nobody undoes a save they never saw."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from content import services
from content.models import Article
from tests.api.conftest import JsonClient
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
CSRF_SECRET = "b" * 32
NEW = {
    "title": "Night ferry",
    "summary": "The last boat to the islands.",
    "body": "It leaves at **midnight**.<script>alert(1)</script>",
}


def detail(article):
    return reverse("api:article-detail", args=[article.slug])


def revision_etag(article):
    article.refresh_from_db()
    return f'"article-{article.pk}-r{article.revision}"'


@pytest.fixture
def harbour():
    return TagFactory(name="Harbour")


def test_an_author_creates_a_draft_of_their_own(sign_in, author, harbour):
    response = sign_in(author).post(ARTICLES, {**NEW, "tags": ["harbour"]})

    assert response.status_code == 201
    article = Article.objects.get()
    assert response["Location"] == f"http://testserver{detail(article)}"
    assert response["ETag"] == f'"article-{article.pk}-r1"'
    body = response.json()
    assert (body["slug"], body["state"], body["author"]["username"]) == (
        "night-ferry",
        "draft",
        "author",
    )
    assert [tag["slug"] for tag in body["tags"]] == ["harbour"]
    assert "<strong>midnight</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert article.is_draft
    assert article.author == author


@pytest.mark.parametrize(
    "field",
    [
        {"status": "published"},
        {"published_at": "2030-01-01T00:00:00Z"},
        {"is_featured": True},
        {"author": "editor"},
    ],
)
def test_an_author_cannot_publish_schedule_feature_or_name_another_author(
    sign_in, author, editor, field
):
    response = sign_in(author).post(ARTICLES, {**NEW, **field})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Article.objects.exists()


def test_an_editor_creates_a_scheduled_featured_article_for_an_author(sign_in, editor, author):
    at = timezone.now() + timedelta(days=2)
    response = sign_in(editor).post(
        ARTICLES,
        {**NEW, "status": "published", "published_at": at.isoformat(), "is_featured": True}
        | {"author": "author", "slug": "ferry"},
    )

    assert response.status_code == 201
    assert response.json()["state"] == "scheduled"
    article = Article.objects.get(slug="ferry")
    assert article.author == author
    assert article.is_featured
    assert article.is_scheduled


def test_readers_and_visitors_cannot_create_articles(api, sign_in, reader):
    assert api.post(ARTICLES, NEW).status_code == 401
    refused = sign_in(reader).post(ARTICLES, NEW)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert not Article.objects.exists()


def test_invalid_articles_are_400s_with_field_errors(sign_in, editor):
    ArticleFactory(slug="taken")
    client = sign_in(editor)

    taken = client.post(ARTICLES, {**NEW, "slug": "taken"})
    assert taken.status_code == 400
    assert set(taken.json()["errors"]) == {"slug"}

    missing = client.post(ARTICLES, {"title": " ", "tags": ["no-such-tag"]})
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"title", "summary", "body", "tags.0"}

    for wrong in ({"tags": ["a\x00b"]}, {"author": "ed\x00itor"}, {"slug": 0}):
        refused = client.post(ARTICLES, {**NEW, **wrong})
        assert refused.status_code == 400, wrong
    not_a_list = client.post(ARTICLES, {**NEW, "tags": {}})
    assert not_a_list.status_code == 400
    assert set(not_a_list.json()["errors"]) == {"tags"}
    assert not Article.objects.exclude(slug="taken").exists()


def test_an_idempotency_key_creates_one_article(sign_in, author):
    client = sign_in(author)
    first = client.post(ARTICLES, NEW, HTTP_IDEMPOTENCY_KEY="draft-1")
    again = client.post(ARTICLES, NEW, HTTP_IDEMPOTENCY_KEY="draft-1")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert Article.objects.count() == 1


def test_a_patch_needs_if_match_then_the_current_etag(sign_in, author, editor):
    article = ArticleFactory(author=author, title="Night ferry")
    client = sign_in(author)

    missing = client.patch(detail(article), {"title": "Night boat"})
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"

    etag = client.get(detail(article))["ETag"]
    assert etag == revision_etag(article)
    # An editor saves meanwhile: the author's ETag is stale.
    services.article_update(
        article=Article.objects.get(), by=editor, based_on=article.revision, summary="Edited."
    )
    stale = client.patch(detail(article), {"title": "Night boat"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert f"revision {article.revision + 1}" in stale.json()["message"]
    assert f"saved by {editor.public_name}" in stale.json()["message"]
    assert Article.objects.get().title == "Night ferry"

    fresh = client.get(detail(article))["ETag"]
    changed = client.patch(detail(article), {"title": "Night boat"}, HTTP_IF_MATCH=fresh)
    assert changed.status_code == 200
    assert changed.json()["title"] == "Night boat"
    assert changed.json()["summary"] == "Edited."
    assert changed["ETag"] == revision_etag(article) != fresh
    assert client.patch(detail(article), {"title": "x"}, HTTP_IF_MATCH=fresh).status_code == 412


def test_other_changes_on_the_site_leave_the_etag_valid(sign_in, editor):
    article = ArticleFactory()
    client = sign_in(editor)
    etag = client.get(detail(article))["ETag"]

    ArticleFactory()  # a new version of the whole site, and of the public ETags
    client.put(reverse("api:article-like", args=[article.slug]))

    assert client.patch(detail(article), {"title": "Still"}, HTTP_IF_MATCH=etag).status_code == 200


def test_a_save_between_the_check_and_the_write_is_a_412(sign_in, editor, monkeypatch):
    article = ArticleFactory()
    etag = revision_etag(article)
    save = services.article_save

    def racing_save(*, article, based_on, **options):
        Article.objects.get(pk=article.pk).save()  # someone else, just before
        return save(article=article, based_on=based_on, **options)

    monkeypatch.setattr(services, "article_save", racing_save)
    response = sign_in(editor).patch(detail(article), {"title": "Mine"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Article.objects.get().title != "Mine"


def test_visitors_keep_the_weak_public_etag(api, sign_in, reader):
    article = ArticleFactory()

    assert api.get(detail(article))["ETag"].startswith('W/"')
    assert sign_in(reader).get(detail(article))["ETag"].startswith('W/"')


def test_who_may_change_an_article_and_who_gets_404(sign_in, author, other_author, reader):
    draft = ArticleFactory(author=author, draft=True)
    published = ArticleFactory(author=author)

    for user in (other_author, reader):
        client = sign_in(user)
        assert client.patch(detail(draft), {"title": "x"}, HTTP_IF_MATCH="*").status_code == 404
        assert client.delete(detail(draft)).status_code == 404
        # Readable, so not a secret: refused.
        assert client.patch(detail(published), {"title": "x"}, HTTP_IF_MATCH="*").status_code == 403
        assert client.delete(detail(published)).status_code == 403
        assert client.get(detail(published))["ETag"].startswith('W/"')  # no revision
    assert Article.objects.count() == 2


def test_authors_delete_their_own_articles_and_editors_any(sign_in, author, editor):
    own, others = ArticleFactory(author=author), ArticleFactory()

    assert sign_in(author).delete(detail(own)).status_code == 204
    assert sign_in(author).delete(detail(others)).status_code == 403
    stale = sign_in(editor).delete(detail(others), HTTP_IF_MATCH='"article-0-r1"')
    assert stale.status_code == 412
    assert sign_in(editor).delete(detail(others)).status_code == 204
    assert not Article.objects.exists()


def test_an_author_edits_their_published_article_but_not_its_publication(sign_in, author):
    article = ArticleFactory(author=author)
    client = sign_in(author)
    etag = client.get(detail(article))["ETag"]

    refused = client.patch(detail(article), {"status": "draft"}, HTTP_IF_MATCH=etag)
    assert refused.status_code == 403
    # Sending back the value it has is no change.
    same = client.patch(
        detail(article), {"status": "published", "summary": "New."}, HTTP_IF_MATCH=etag
    )
    assert same.status_code == 200
    assert Article.objects.get().summary == "New."


def test_editors_publish_schedule_and_unpublish(sign_in, editor, author):
    article = ArticleFactory(author=author, draft=True)
    client = sign_in(editor)
    publish = reverse("api:article-publish", args=[article.slug])
    unpublish = reverse("api:article-unpublish", args=[article.slug])

    published = client.post(publish)
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert published["ETag"] == revision_etag(article)

    assert client.post(unpublish).json()["state"] == "draft"

    at = timezone.now() + timedelta(days=1)
    scheduled = client.post(publish, {"published_at": at.isoformat()})
    assert scheduled.json()["state"] == "scheduled"

    past = client.post(publish, {"published_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 400
    assert set(past.json()["errors"]) == {"published_at"}


def test_authors_and_readers_cannot_publish(sign_in, api, author, reader):
    article = ArticleFactory(author=author, draft=True)
    publish = reverse("api:article-publish", args=[article.slug])

    assert sign_in(author).post(publish).status_code == 403
    assert sign_in(reader).post(publish).status_code == 403
    assert api.post(publish).status_code == 401
    assert (
        sign_in(author).post(reverse("api:article-unpublish", args=[article.slug])).status_code
        == 403
    )
    assert Article.objects.get().is_draft


def test_a_patch_shows_on_the_public_pages_and_api_at_once(sign_in, editor, site):
    article, visitor = site["article"], Client()
    urls = [article.get_absolute_url(), detail(article), ARTICLES, "/"]
    before = {url: visitor.get(url).content for url in urls}
    assert all(b"Night ferry" in body for body in before.values())

    client = sign_in(editor)
    etag = client.get(detail(article))["ETag"]
    response = client.patch(detail(article), {"title": "Night boat"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    for url in urls:
        body = visitor.get(url).content
        assert b"Night boat" in body, url
        assert b"Night ferry" not in body, url


def test_jwt_works_as_well_as_the_session_with_csrf(author):
    token = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(author)}"}
    jwt = JsonClient()
    created = jwt.post(ARTICLES, NEW, **token)
    assert created.status_code == 201
    url = created["Location"]
    changed = jwt.patch(url, {"summary": "By token."}, HTTP_IF_MATCH=created["ETag"], **token)
    assert changed.status_code == 200

    browser = JsonClient(enforce_csrf_checks=True)
    browser.force_login(author)
    browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    etag = browser.get(url)["ETag"]
    without = browser.patch(url, {"summary": "By session."}, HTTP_IF_MATCH=etag)
    assert without.status_code == 403
    assert "CSRF" in without.json()["message"]
    with_token = browser.patch(
        url, {"summary": "By session."}, HTTP_IF_MATCH=etag, HTTP_X_CSRFTOKEN=CSRF_SECRET
    )
    assert with_token.status_code == 200
    assert Article.objects.get().summary == "By session."


def test_every_write_through_the_api_records_who_made_it_in_the_revisions(author, editor):
    as_author = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(author)}"}
    as_editor = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(editor)}"}
    client = JsonClient()
    created = client.post(ARTICLES, NEW, **as_author)
    article = Article.objects.get()
    client.patch(created["Location"], {"summary": "Edited."}, HTTP_IF_MATCH="*", **as_editor)
    client.post(reverse("api:article-publish", args=[article.slug]), {}, **as_editor)

    records = article.history.order_by("history_id")
    saved_by = [(record.revision, record.history_user) for record in records]
    assert saved_by[0] == (1, author)
    assert {user for revision, user in saved_by if revision > 1} == {editor}
    assert Article.objects.get().is_published
