"""Home, the article list, tag, author, search and bookmarks pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, BookmarkFactory, TagFactory, UserFactory
from tests.html import link_href, listed_article_paths, soup

pytestmark = pytest.mark.django_db


def make_articles(count, **kwargs):
    """`count` published articles, one hour apart, the first one newest."""
    now = timezone.now()
    return [
        ArticleFactory(published_at=now - timedelta(hours=index + 1), **kwargs)
        for index in range(count)
    ]


def paths(articles):
    return [article.get_absolute_url() for article in articles]


def test_home_shows_featured_articles_and_the_latest_newest_first(client):
    older, newer = reversed(make_articles(2))
    featured = ArticleFactory(title="Front page story", is_featured=True)
    ArticleFactory(title="Unfinished draft", draft=True, is_featured=True)

    page = client.get(reverse("pages:home"))

    assert page.status_code == 200
    html = soup(page)
    assert [a["href"] for a in html.select(".featured .article-card__title a")] == paths([featured])
    assert listed_article_paths(page)[1:] == paths([featured, newer, older])
    assert "Unfinished draft" not in page.content.decode()


def test_home_links_to_the_second_page_of_the_list_when_there_is_more(client):
    make_articles(21)
    page = soup(client.get(reverse("pages:home")))
    assert page.select_one('.pagination a[rel="next"]')["href"] == "/articles/?page=2"


def test_home_has_no_more_link_when_everything_fits(client):
    make_articles(3)
    assert soup(client.get(reverse("pages:home"))).select_one(".pagination") is None


def test_article_list_pages_twenty_at_a_time_with_rel_links(client):
    articles = make_articles(45)

    first = client.get(reverse("pages:article-list"))
    second = client.get(reverse("pages:article-list"), {"page": 2})
    third = client.get(reverse("pages:article-list"), {"page": 3})

    assert listed_article_paths(first) == paths(articles[:20])
    assert listed_article_paths(second) == paths(articles[20:40])
    assert listed_article_paths(third) == paths(articles[40:])
    assert link_href(first, "next") == "/articles/?page=2"
    assert link_href(first, "prev") is None
    assert link_href(second, "prev") == "/articles/"
    assert link_href(second, "next") == "/articles/?page=3"
    assert soup(third).select_one('.pagination a[rel="prev"]')["href"] == "/articles/?page=2"
    assert link_href(third, "next") is None


@pytest.mark.parametrize("page_number", ["3", "0", "-1", "abc", "1.5", "9" * 30])
def test_article_list_page_out_of_range_or_not_a_number_is_404(client, page_number):
    make_articles(21)
    assert client.get(reverse("pages:article-list"), {"page": page_number}).status_code == 404


def test_an_empty_site_still_has_a_first_list_page(client):
    page = client.get(reverse("pages:article-list"))
    assert page.status_code == 200
    assert "Nothing has been published yet." in page.content.decode()


def test_tag_page_lists_its_published_articles_with_a_count(client):
    cities = TagFactory(name="Cities")
    tagged = make_articles(2, tags=[cities])
    ArticleFactory(title="Other topic", tags=[TagFactory(name="Food")])
    ArticleFactory(title="Draft about cities", draft=True, tags=[cities])

    page = client.get(reverse("pages:tag-detail", args=["cities"]))

    assert page.status_code == 200
    assert listed_article_paths(page) == paths(tagged)
    assert "2 articles" in soup(page).select_one(".page-header").text


def test_tag_with_nothing_published_and_unknown_tag_are_404(client):
    ArticleFactory(draft=True, tags=[TagFactory(name="Secret")])
    assert client.get(reverse("pages:tag-detail", args=["secret"])).status_code == 404
    assert client.get(reverse("pages:tag-detail", args=["nope"])).status_code == 404


def test_author_page_shows_bio_and_published_articles(client):
    writer = UserFactory(username="ada", display_name="Ada Park", bio="Writes about rivers.")
    theirs = make_articles(2, author=writer)
    ArticleFactory(author=writer, draft=True, title="Unfinished")
    ArticleFactory(title="Someone else's")

    page = client.get(reverse("pages:author-detail", args=["ada"]))

    assert page.status_code == 200
    assert soup(page).h1.text == "Ada Park"
    assert "Writes about rivers." in page.content.decode()
    assert listed_article_paths(page) == paths(theirs)


def test_people_without_published_articles_have_no_author_page(client, reader):
    ArticleFactory(author=UserFactory(username="drafter"), draft=True)
    assert client.get(reverse("pages:author-detail", args=["drafter"])).status_code == 404
    assert client.get(reverse("pages:author-detail", args=["reader"])).status_code == 404
    assert client.get(reverse("pages:author-detail", args=["nobody"])).status_code == 404


def test_search_page_lists_matches_best_first(client):
    ArticleFactory(title="Notes", body="Mentions lighthouses once.")
    ArticleFactory(title="Lighthouses of the north")
    ArticleFactory(title="Nothing relevant")

    page = client.get(reverse("pages:search"), {"q": "lighthouses"})

    assert page.status_code == 200
    titles = [a.text for a in soup(page).select(".article-card__title a")]
    assert titles == ["Lighthouses of the north", "Notes"]
    assert "2 articles found." in page.content.decode()


def test_search_page_without_a_query_shows_just_the_form(client):
    ArticleFactory()
    page = client.get(reverse("pages:search"))
    assert page.status_code == 200
    assert listed_article_paths(page) == []
    assert soup(page).select_one("form.search-form input[name=q]") is not None


def test_search_keeps_the_query_in_the_form_and_the_page_links(client):
    for _ in range(21):
        ArticleFactory(title="Tides and more")
    page = client.get(reverse("pages:search"), {"q": "tides"})
    assert soup(page).select_one("#search-q")["value"] == "tides"
    assert link_href(page, "next") == "/search/?q=tides&page=2"


def test_bookmarks_page_lists_the_readers_bookmarks_newest_first(client, reader, other_reader):
    first, second = make_articles(2)
    BookmarkFactory(user=reader, article=first)
    BookmarkFactory(user=reader, article=second)
    BookmarkFactory(user=other_reader, article=ArticleFactory(title="Not mine"))
    BookmarkFactory(user=reader, article=ArticleFactory(draft=True, title="Since unpublished"))
    client.force_login(reader)

    page = client.get(reverse("pages:bookmarks"))

    assert listed_article_paths(page) == paths([second, first])
    assert "Not mine" not in page.content.decode()
    assert "Since unpublished" not in page.content.decode()


def test_bookmarks_page_asks_visitors_to_sign_in(client):
    response = client.get(reverse("pages:bookmarks"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/bookmarks/"
