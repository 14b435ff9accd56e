"""Every page runs a fixed number of SQL queries, however much there is to show."""

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    BookmarkFactory,
    CommentFactory,
    LikeFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# (page, visitor budget), the content versions of the HTTP cache included, for a first
# render: nothing cached yet. A signed-in reader skips the cached answers, and adds the
# session and user lookups and, on the article page, the like and bookmark state.
BUDGETS = {
    "home": 8,
    "list": 5,
    "tag": 6,
    "author": 6,
    "search": 5,
    "detail": 7,
    "sitemap-articles": 3,
    "rss": 3,
}
# Rendered again with the same content: what is cached per version (the page, the
# list's count, the tag, author or article the page shows) is not read again. The
# versions (read inside the test's transaction), nothing else.
RENDERED_AGAIN = ["home", "list", "tag", "author", "search", "detail"]
SIGNED_IN_EXTRA = {"detail": 4}
SIGNED_IN_BASE = 2


def fill(size):
    """`size` articles by one author with three tags, each with `size` comments and likes."""
    writer = UserFactory(username="writer")
    tags = [TagFactory(name=name) for name in ("Cities", "Food", "Travel")]
    articles = [
        ArticleFactory(author=writer, tags=tags, title=f"Harbour {n}", is_featured=n < 4)
        for n in range(size)
    ]
    for article in articles[:3]:
        CommentFactory.create_batch(size, article=article)
        LikeFactory.create_batch(size, article=article)
    return articles


def urls(article):
    return {
        "home": reverse("pages:home"),
        "list": reverse("pages:article-list"),
        "tag": reverse("pages:tag-detail", args=["cities"]),
        "author": reverse("pages:author-detail", args=["writer"]),
        "search": reverse("pages:search") + "?q=harbour",
        "detail": article.get_absolute_url(),
        "sitemap-articles": "/sitemap-articles.xml",
        "rss": "/feeds/rss/",
    }


@pytest.mark.parametrize("size", [3, 25])
@pytest.mark.parametrize("page", list(BUDGETS))
def test_visitor_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size, page
):
    article = fill(size)[1]
    with django_assert_max_num_queries(BUDGETS[page]):
        assert client.get(urls(article)[page]).status_code == 200


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_visitor_page_seen_before_costs_one_query(client, django_assert_num_queries, page):
    url = urls(fill(3)[1])[page]
    first = client.get(url)

    # Whether the cached answer is current: the content versions, nothing else.
    with django_assert_num_queries(1):
        again = client.get(url)
    with django_assert_num_queries(1):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content
    assert not_modified.status_code == 304


@pytest.mark.parametrize("page", RENDERED_AGAIN)
def test_a_page_rendered_again_reads_only_what_is_not_cached(
    client, settings, django_assert_num_queries, page
):
    settings.PAGE_CACHE = False  # every answer rendered
    url = urls(fill(25)[1])[page]
    first = client.get(url)

    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.content == first.content


@pytest.mark.parametrize("size", [3, 25])
@pytest.mark.parametrize("page", ["home", "detail", "list"])
def test_signed_in_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, reader, size, page
):
    article = fill(size)[1]
    BookmarkFactory(user=reader, article=article)
    client.force_login(reader)
    # Without the cached answers, lists still read the site's version: their counts
    # are cached per version.
    budget = BUDGETS[page] + SIGNED_IN_BASE + SIGNED_IN_EXTRA.get(page, 0)
    with django_assert_max_num_queries(budget):
        assert client.get(urls(article)[page]).status_code == 200


@pytest.mark.parametrize("size", [3, 25])
def test_bookmarks_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, reader, size
):
    for article in fill(size):
        BookmarkFactory(user=reader, article=article)
    client.force_login(reader)
    # The count, the page's articles and their tags.
    with django_assert_max_num_queries(SIGNED_IN_BASE + 5):
        assert client.get(reverse("pages:bookmarks")).status_code == 200


@pytest.mark.parametrize("page", ["list", "tag", "author", "search"])
def test_lists_count_their_articles_once_per_version_of_the_site(
    client, settings, django_assert_max_num_queries, page
):
    settings.PAGE_CACHE = False  # every answer rendered
    url = urls(fill(25)[1])[page]
    client.get(url)

    with django_assert_max_num_queries(BUDGETS[page]) as queries:
        assert client.get(url + ("&" if "?" in url else "?") + "page=2").status_code == 200
    assert not count_queries(queries)

    ArticleFactory(author=UserFactory(), title="Harbour news", tags=[TagFactory(name="Ports")])
    with django_assert_max_num_queries(BUDGETS[page] + 1) as queries:
        assert client.get(url).status_code == 200
    assert count_queries(queries)


def count_queries(queries):
    return [q for q in queries.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
