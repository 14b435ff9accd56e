"""A renamed article's old addresses, pages and API alike, answer a permanent redirect to
the current ones in one hop; its old slugs stay its own; lists name only the current
address. (The HTTP cache's side: tests/test_http_cache.py.)"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Article, ArticleRedirect, Bookmark, Comment, Like
from tests.factories import ArticleFactory, TagFactory, UserFactory, admin_article_form

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
# What a reader may hold of an article and read: its page, and its API detail and comments.
READ_ADDRESSES = ["pages:article-detail", "api:article-detail", "api:article-comments"]


def rename(article, slug):
    article.slug = slug
    article.save()
    return article


def address(name, slug):
    return reverse(name, args=[slug])


@pytest.fixture
def renamed():
    """A published article renamed twice: harbour-lights → quay-lights → pier-lights."""
    article = ArticleFactory(slug="harbour-lights", tags=[TagFactory(name="Coast")])
    rename(article, "quay-lights")
    return rename(article, "pier-lights")


@pytest.mark.parametrize("name", READ_ADDRESSES)
@pytest.mark.parametrize("old_slug", ["harbour-lights", "quay-lights"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_every_old_address_answers_301_to_the_current_one_in_one_hop(
    client, renamed, name, old_slug, method
):
    response = getattr(client, method)(f"{address(name, old_slug)}?page=2&utm_source=mail", **JSON)

    assert response.status_code == 301
    assert response["Location"] == f"{address(name, 'pier-lights')}?page=2&utm_source=mail"
    assert client.get(response["Location"], **JSON).status_code == 200


def test_a_redirect_is_not_kept_by_any_cache_without_asking_again(client, renamed):
    for name in READ_ADDRESSES:
        response = client.get(address(name, "harbour-lights"), **JSON)
        assert "no-cache" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


def test_the_current_address_is_answered_as_before(client, renamed):
    response = client.get(renamed.get_absolute_url())

    assert response.status_code == 200
    assert b"/articles/pier-lights/" in response.content


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("post", "pages:comment-create", {"body": "Still there?"}),
        ("post", "pages:like", {"state": "on"}),
        ("post", "pages:bookmark", {"state": "on"}),
        ("post", "api:article-comments", {"body": "Still there?"}),
        ("put", "api:article-like", None),
        ("delete", "api:article-bookmark", None),
    ],
)
def test_writes_to_an_old_address_get_308_and_write_nothing_there(
    client, renamed, reader, method, name, data
):
    client.force_login(reader)
    send = getattr(client, method)
    options = {"content_type": "application/json"} if name.startswith("api:") else {}

    response = send(f"{address(name, 'quay-lights')}?next=1", data, **options, **JSON)

    # 308: the client sends the same method and body again, to the current address.
    assert response.status_code == 308
    assert response["Location"] == f"{address(name, 'pier-lights')}?next=1"
    assert not Comment.objects.exists()
    assert not Like.objects.exists()
    assert not Bookmark.objects.exists()
    assert send(response["Location"], data, **options, **JSON).status_code in {200, 201, 302}


def test_renaming_back_makes_the_slug_current_again(client, renamed):
    rename(renamed, "harbour-lights")

    assert client.get("/articles/harbour-lights/").status_code == 200
    assert client.get("/articles/quay-lights/")["Location"] == "/articles/harbour-lights/"
    assert client.get("/articles/pier-lights/")["Location"] == "/articles/harbour-lights/"
    assert set(renamed.redirects.values_list("old_slug", flat=True)) == {
        "quay-lights",
        "pier-lights",
    }


def test_a_redirect_to_an_unpublished_article_is_a_404_as_the_article_is(client, renamed, editor):
    services.article_unpublish(article=renamed)

    for name in READ_ADDRESSES:
        for slug in ("harbour-lights", "pier-lights"):
            assert client.get(address(name, slug), **JSON).status_code == 404
    # Staff who may read the draft are sent on to it.
    client.force_login(editor)
    assert client.get("/articles/harbour-lights/")["Location"] == "/articles/pier-lights/"
    client.logout()

    services.article_publish(article=renamed)
    assert client.get("/articles/harbour-lights/").status_code == 301


def test_drafts_and_articles_still_to_come_leave_no_redirect(client):
    draft = rename(ArticleFactory(slug="first-draft", draft=True), "second-draft")
    coming = rename(ArticleFactory(slug="coming-soon", scheduled=True), "coming-later")

    assert not ArticleRedirect.objects.exists()
    services.article_publish(article=draft)
    assert client.get("/articles/first-draft/").status_code == 404
    assert coming.redirects.count() == 0


def test_a_scheduled_article_that_has_come_out_keeps_its_old_address(client):
    article = ArticleFactory(slug="dawn-tide", scheduled=True)
    article.published_at = timezone.now() - timezone.timedelta(minutes=1)
    article.save()  # its time has come: readers have seen /articles/dawn-tide/

    rename(article, "morning-tide")

    assert client.get("/articles/dawn-tide/")["Location"] == "/articles/morning-tide/"


def test_publishing_and_other_saves_without_the_slug_record_nothing(renamed):
    services.article_unpublish(article=renamed)
    services.article_publish(article=renamed)
    renamed.title = "Pier lights at dusk"
    renamed.save()

    assert renamed.redirects.count() == 2


def test_deleting_an_article_deletes_its_redirects(client, renamed):
    renamed.delete()

    assert not ArticleRedirect.objects.exists()
    assert client.get("/articles/harbour-lights/").status_code == 404


# --- A slug that still redirects is taken --------------------------------------------


def test_no_other_article_may_take_a_slug_that_still_redirects(renamed):
    newcomer = ArticleFactory.build(slug="quay-lights", author=UserFactory())

    with pytest.raises(ValidationError) as refused:
        newcomer.full_clean()

    assert "slug" in refused.value.message_dict
    renamed.slug = "quay-lights"
    renamed.full_clean()  # its own former slug: a rename back


def test_automatic_slugs_skip_slugs_that_still_redirect(renamed):
    first = ArticleFactory(slug="", title="Harbour lights")
    renamed.slug = ""
    renamed.title = "Quay lights"
    renamed.save()

    assert first.slug == "harbour-lights-2"
    assert renamed.slug == "quay-lights"  # its own, taken back


def test_the_admin_refuses_a_slug_that_still_redirects_and_shows_former_slugs(
    client, renamed, editor
):
    client.force_login(editor)
    form = admin_article_form(
        title="Another article", slug="harbour-lights", author=editor.pk, summary="Elsewhere."
    )

    response = client.post(reverse("admin:content_article_add"), form)

    assert response.status_code == 200
    assert "still lead to it" in str(response.context["adminform"].form.errors["slug"])
    assert not Article.objects.filter(title="Another article").exists()
    page = client.get(reverse("admin:content_article_change", args=[renamed.pk]))
    assert "<code>harbour-lights</code>" in page.content.decode()
    assert "<code>quay-lights</code>" in page.content.decode()


# --- Lists name the current address only -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-articles.xml",
        "/feeds/rss/",
        "/feeds/atom/",
        "/tags/coast/feed/",
        "/",
        "/articles/",
        "/tags/coast/",
        "/api/v1/articles/",
    ],
)
def test_sitemap_feeds_and_lists_name_only_the_current_address(client, renamed, url):
    body = client.get(url, **JSON).content

    assert b"pier-lights" in body
    assert b"harbour-lights" not in body
    assert b"quay-lights" not in body


@pytest.mark.parametrize("name", READ_ADDRESSES)
def test_an_old_address_costs_a_few_queries(client, renamed, name, django_assert_max_num_queries):
    # The content versions, the missed lookup and the redirect's.
    with django_assert_max_num_queries(3):
        assert client.get(address(name, "harbour-lights"), **JSON).status_code == 301
