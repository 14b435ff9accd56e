"""Tags and authors: only what has published articles, with counts."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_tags_lists_tags_in_use_by_name_with_published_counts(api):
    rain, harbour, unused, draft_only = (
        TagFactory(name=name) for name in ("Rain", "Harbour", "Unused", "Draft only")
    )
    ArticleFactory.create_batch(2, tags=[harbour, rain])
    ArticleFactory(tags=[rain])
    ArticleFactory(draft=True, tags=[draft_only, rain])
    ArticleFactory(scheduled=True, tags=[draft_only])

    body = api.get(reverse("api:tag-list")).json()

    assert [(t["slug"], t["article_count"]) for t in body["results"]] == [
        ("harbour", 2),
        ("rain", 3),
    ]
    assert body["results"][0]["articles_url"] == "http://testserver/api/v1/articles/?tag=harbour"
    assert body["results"][0]["url"] == "http://testserver/tags/harbour/"
    assert unused.slug not in str(body)


def test_a_tag_without_published_articles_is_404(api):
    TagFactory(name="Unused")
    ArticleFactory(draft=True, tags=[TagFactory(name="Draft only")])

    assert api.get(reverse("api:tag-detail", kwargs={"slug": "unused"})).status_code == 404
    assert api.get(reverse("api:tag-detail", kwargs={"slug": "draft-only"})).status_code == 404


def test_a_tag_in_use_has_its_count(api):
    ArticleFactory(tags=[TagFactory(name="Harbour")])

    body = api.get(reverse("api:tag-detail", kwargs={"slug": "harbour"})).json()

    assert body["name"] == "Harbour"
    assert body["article_count"] == 1


def test_an_author_has_a_profile_with_their_published_article_count(api):
    ada = UserFactory(username="ada", display_name="Ada Lovelace", bio="Writes about engines.")
    ArticleFactory.create_batch(2, author=ada)
    ArticleFactory(author=ada, draft=True)
    ArticleFactory(author=ada, scheduled=True)

    body = api.get(reverse("api:author-detail", kwargs={"username": "ada"})).json()

    assert body == {
        "username": "ada",
        "name": "Ada Lovelace",
        "url": "http://testserver/authors/ada/",
        "api_url": "http://testserver/api/v1/authors/ada/",
        "bio": "Writes about engines.",
        "article_count": 2,
        "articles_url": "http://testserver/api/v1/articles/?author=ada",
    }


def test_readers_and_draft_only_authors_have_no_public_profile(api, reader):
    ArticleFactory(author=UserFactory(username="drafter"), draft=True)

    for username in ("reader", "drafter", "nobody", "we@ird+name.x"):
        url = reverse("api:author-detail", kwargs={"username": username})
        assert api.get(url).status_code == 404


def test_the_author_list_shows_everyone_with_published_articles(api, reader):
    ArticleFactory(author=UserFactory(username="bea"))
    ArticleFactory(author=UserFactory(username="ada"))
    ArticleFactory(author=UserFactory(username="drafter"), draft=True)

    body = api.get(reverse("api:author-list")).json()

    assert [a["username"] for a in body["results"]] == ["ada", "bea"]


def test_usernames_with_unusual_characters_are_404_not_500(api):
    for path in ("/api/v1/authors/a%00b/", "/api/v1/authors/%20/", "/api/v1/authors/a%2Fb/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("size", [2, 20])
def test_tag_and_author_endpoints_run_a_fixed_number_of_queries(
    api, django_assert_max_num_queries, size
):
    for n in range(size):
        writer = UserFactory(username=f"writer{n}")
        ArticleFactory.create_batch(2, author=writer, tags=[TagFactory(name=f"Tag {n}")])

    for url in (
        reverse("api:tag-list"),
        reverse("api:tag-detail", kwargs={"slug": "tag-1"}),
        reverse("api:author-list"),
        reverse("api:author-detail", kwargs={"username": "writer1"}),
    ):
        # The content versions, then the tag or author with their counts.
        with django_assert_max_num_queries(2):
            assert api.get(url).status_code == 200, url
