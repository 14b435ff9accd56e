"""Articles: the published list in the site's order, filters, search, cursor pages, detail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.views import ARTICLE_ORDERS, DEFAULT_ARTICLE_ORDER
from content.models import Article
from content.search import search_articles
from tests.factories import (
    ArticleFactory,
    BookmarkFactory,
    CommentFactory,
    LikeFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:article-list")


def detail_url(article):
    return reverse("api:article-detail", kwargs={"slug": article.slug})


def published_hours_ago(*hours, **kwargs):
    now = timezone.now()
    return [ArticleFactory(published_at=now - timedelta(hours=h), **kwargs) for h in hours]


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def walk(api, url):
    """Every page from `url` on, following `next`."""
    seen = []
    while url:
        body = api.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    return seen


# --- The list ------------------------------------------------------------------------------


def test_the_default_order_is_the_sites_newest_first_order():
    assert ARTICLE_ORDERS[DEFAULT_ARTICLE_ORDER].order_by() == list(
        Article.objects.newest_first().query.order_by
    )


def test_the_list_shows_published_articles_newest_first_like_the_site(api):
    same_time = timezone.now() - timedelta(hours=3)
    articles = [*published_hours_ago(5, 1), *ArticleFactory.create_batch(3, published_at=same_time)]
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)

    expected = [a.slug for a in Article.objects.published().newest_first()]
    assert slugs(api.get(LIST_URL)) == expected
    assert len(expected) == len(articles)


def test_list_items_are_light_and_link_to_the_html_page_and_the_api(api):
    tag = TagFactory(name="Harbour")
    article = ArticleFactory(tags=[tag], author=UserFactory(username="ada", display_name="Ada"))

    item = api.get(LIST_URL).json()["results"][0]

    assert "body" not in item
    assert "body_html" not in item
    assert item["url"] == f"http://testserver/articles/{article.slug}/"
    assert item["api_url"] == f"http://testserver/api/v1/articles/{article.slug}/"
    assert item["author"] == {
        "username": "ada",
        "name": "Ada",
        "url": "http://testserver/authors/ada/",
        "api_url": "http://testserver/api/v1/authors/ada/",
    }
    assert item["tags"] == [
        {
            "slug": "harbour",
            "name": "Harbour",
            "url": "http://testserver/tags/harbour/",
            "api_url": "http://testserver/api/v1/tags/harbour/",
        }
    ]
    assert item["cover"] is None
    assert set(item) == {
        "id", "slug", "title", "summary", "url", "api_url", "author", "tags",
        "published_at", "updated_at", "reading_time", "cover", "is_featured",
    }  # fmt: skip


def test_the_list_filters_by_tag_and_by_author(api):
    harbour, rain = TagFactory(name="Harbour"), TagFactory(name="Rain")
    ada = UserFactory(username="ada")
    tagged = ArticleFactory(tags=[harbour, rain])
    by_ada = ArticleFactory(author=ada, tags=[rain])
    ArticleFactory(draft=True, tags=[harbour], author=ada)

    assert slugs(api.get(LIST_URL, {"tag": "harbour"})) == [tagged.slug]
    assert slugs(api.get(LIST_URL, {"author": "ada"})) == [by_ada.slug]
    assert slugs(api.get(LIST_URL, {"tag": "rain", "author": "ada"})) == [by_ada.slug]
    assert slugs(api.get(LIST_URL, {"tag": "nothing-here"})) == []


def test_search_returns_what_the_search_function_returns_in_its_order(api):
    ArticleFactory(title="Harbour lights", body="nothing else")
    ArticleFactory(title="Rain", summary="Rain over the harbour.")
    ArticleFactory(title="Fog", body="A harbour in the fog.")
    ArticleFactory(title="Unrelated")
    ArticleFactory(draft=True, title="Harbour draft")

    expected = [a.slug for a in search_articles(Article.objects.published(), "harbour")]

    assert slugs(api.get(LIST_URL, {"search": "harbour"})) == expected
    assert len(expected) == 3


def test_an_empty_search_matches_nothing_as_on_the_search_page(api):
    ArticleFactory()
    assert slugs(api.get(LIST_URL, {"search": "  "})) == []


def test_search_with_an_ordering_uses_that_ordering(api):
    ArticleFactory(title="B harbour")
    ArticleFactory(title="A harbour")
    assert slugs(api.get(LIST_URL, {"search": "harbour", "ordering": "title"})) == [
        "a-harbour",
        "b-harbour",
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("published_at", ["third", "second", "first"]),
        ("-published_at", ["first", "second", "third"]),
        ("title", ["first", "second", "third"]),
    ],
)
def test_the_list_orders_by_the_chosen_ordering(api, ordering, expected):
    now = timezone.now()
    for title, hours in (("Second", 2), ("First", 1), ("Third", 3)):
        ArticleFactory(title=title, published_at=now - timedelta(hours=hours))

    assert slugs(api.get(LIST_URL, {"ordering": ordering})) == expected


# --- Cursor pages --------------------------------------------------------------------------


@pytest.mark.parametrize("ordering", ["-published_at", "published_at", "title"])
def test_following_next_visits_every_article_once_in_order(api, ordering):
    same_time = timezone.now() - timedelta(days=1)
    ArticleFactory.create_batch(25, published_at=same_time)  # ties broken by id
    published_hours_ago(*range(1, 20))

    expected = [
        a.slug for a in Article.objects.published().order_by(*ARTICLE_ORDERS[ordering].order_by())
    ]
    first = api.get(LIST_URL, {"ordering": ordering}).json()

    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert walk(api, first["next"]) == expected[20:]


def test_following_previous_returns_the_pages_before(api):
    published_hours_ago(*range(1, 46))
    page1 = api.get(LIST_URL).json()
    page2 = api.get(page1["next"]).json()
    page3 = api.get(page2["next"]).json()

    back_to_2 = api.get(page3["previous"]).json()
    back_to_1 = api.get(back_to_2["previous"]).json()

    assert back_to_2["results"] == page2["results"]
    assert back_to_1["results"] == page1["results"]
    assert back_to_1["previous"] is None
    assert len(page3["results"]) == 5
    assert page3["next"] is None


def test_pages_neither_shift_nor_repeat_while_new_articles_are_published(api):
    published_hours_ago(*range(1, 31))
    expected = [a.slug for a in Article.objects.published().newest_first()]
    first = api.get(LIST_URL).json()

    ArticleFactory.create_batch(5, published_at=timezone.now())
    rest = walk(api, first["next"])

    assert [item["slug"] for item in first["results"]] + rest == expected


def test_links_keep_the_filters(api):
    tag = TagFactory(name="Harbour")
    ArticleFactory.create_batch(25, tags=[tag])
    ArticleFactory.create_batch(3)

    first = api.get(LIST_URL, {"tag": "harbour", "ordering": "title"}).json()

    assert "tag=harbour" in first["next"]
    assert "ordering=title" in first["next"]
    assert len(walk(api, first["next"])) == 5


def test_search_results_are_paged_in_rank_order(api):
    ArticleFactory.create_batch(30, title="Harbour news")
    expected = [a.slug for a in search_articles(Article.objects.published(), "harbour")]

    first = api.get(LIST_URL, {"search": "harbour"}).json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()

    assert [i["slug"] for i in first["results"] + second["results"]] == expected
    assert second["next"] is None
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "eyJvIjoiLXB1Ymxpc2hlZF9hdCJ9",  # {"o":"-published_at"}: no key
        "eyJvIjoidGl0bGUiLCJrIjpbIngiLDFdfQ",  # a title cursor, on the date ordering
        "eyJvIjoiLXB1Ymxpc2hlZF9hdCIsImsiOlsibm90IGEgZGF0ZSIsMV19",  # not a date
        "eyJvIjoiLXB1Ymxpc2hlZF9hdCIsImsiOlsiMjAyNC0wMS0wMVQwMDowMDowMCIsMV19",  # naive
        "eyJvIjoicmFuayIsIm4iOi0xfQ",  # a negative offset
        "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW10",  # lists
        "x" * 2000,
    ],
)
def test_a_garbage_cursor_is_a_400_with_a_field_error(api, cursor):
    ArticleFactory()
    response = api.get(LIST_URL, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "cursor": ["This cursor is not valid. Follow the `next` and `previous` links as given."]
    }


def test_a_rank_cursor_on_a_fixed_ordering_is_a_400(api):
    ArticleFactory.create_batch(25, title="Harbour")
    rank_cursor_link = api.get(LIST_URL, {"search": "harbour"}).json()["next"]

    response = api.get(rank_cursor_link + "&ordering=title")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "body"}, "ordering"),
        ({"ordering": "-title"}, "ordering"),
        ({"tag": "not a slug"}, "tag"),
        ({"author": "x" * 151}, "author"),
        ({"tag": "nul\x00"}, "tag"),
        # Given empty is given, as the schema's minLength says: not a filter left out.
        ({"tag": ""}, "tag"),
        ({"author": ""}, "author"),
        ({"cursor": ""}, "cursor"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_the_parameter(api, params, field):
    response = api.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_list_takes_a_fixed_number_of_queries_however_many_articles(
    api, django_assert_max_num_queries, django_assert_num_queries
):
    tags = TagFactory.create_batch(3)
    ArticleFactory.create_batch(30, tags=tags)

    # The content versions (project/visitor_cache.py), the articles with their authors,
    # then their tags; answered again from the kept copy, the versions alone.
    for query in ({}, {"search": "article", "tag": tags[0].slug}):
        with django_assert_max_num_queries(3):
            assert api.get(LIST_URL, query).status_code == 200
        with django_assert_num_queries(1):
            assert api.get(LIST_URL, query).status_code == 200


# --- One article ---------------------------------------------------------------------------


def test_the_detail_adds_body_counts_and_links(api):
    article = ArticleFactory(body="Hello <script>alert(1)</script> **world**")
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, is_hidden=True)
    LikeFactory.create_batch(3, article=article)

    body = api.get(detail_url(article)).json()

    assert body["body_html"] == article.body_html
    assert "<script>" not in body["body_html"]
    assert "<strong>world</strong>" in body["body_html"]
    assert body["comment_count"] == 2
    assert body["like_count"] == 3
    assert body["state"] == "published"
    assert body["url"] == f"http://testserver/articles/{article.slug}/"
    assert body["comments_url"] == f"http://testserver/api/v1/articles/{article.slug}/comments/"
    assert body["like_url"] == f"http://testserver/api/v1/articles/{article.slug}/like/"
    assert body["viewer"] is None


def test_the_detail_tells_a_signed_in_reader_what_they_did(sign_in, reader):
    article = ArticleFactory()
    LikeFactory(article=article, user=reader)

    body = sign_in(reader).get(detail_url(article)).json()

    assert body["viewer"] == {"liked": True, "bookmarked": False}

    BookmarkFactory(article=article, user=reader)
    assert sign_in(reader).get(detail_url(article)).json()["viewer"]["bookmarked"] is True


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_drafts_and_scheduled_articles_are_404_to_readers(api, sign_in, reader, state):
    article = ArticleFactory(**state)

    for client in (api, sign_in(reader)):
        response = client.get(detail_url(article))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert slugs(client.get(LIST_URL)) == []


def test_staff_who_may_change_a_draft_see_it_and_others_do_not(sign_in, author, other_author):
    draft = ArticleFactory(draft=True, author=author)

    body = sign_in(author).get(detail_url(draft)).json()

    assert body["state"] == "draft"
    assert body["published_at"] is None
    assert sign_in(other_author).get(detail_url(draft)).status_code == 404


def test_an_editor_sees_a_scheduled_article_but_lists_show_only_published_ones(sign_in, editor):
    scheduled = ArticleFactory(scheduled=True)
    client = sign_in(editor)

    assert client.get(detail_url(scheduled)).json()["state"] == "scheduled"
    assert slugs(client.get(LIST_URL)) == []


def test_an_unknown_article_is_a_json_404(api):
    response = api.get(reverse("api:article-detail", kwargs={"slug": "nothing-here"}))

    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": "Not found.",
        "errors": {},
    }


def test_the_detail_takes_a_fixed_number_of_queries(sign_in, reader, django_assert_max_num_queries):
    article = ArticleFactory(tags=TagFactory.create_batch(3))
    CommentFactory.create_batch(10, article=article)
    LikeFactory.create_batch(10, article=article)
    client = sign_in(reader)

    # Session and user, article, tags, likes, comments, whether liked, whether bookmarked.
    with django_assert_max_num_queries(8):
        assert client.get(detail_url(article)).status_code == 200
