"""What crawlers and link previews read: titles, descriptions, canonical URLs, OpenGraph,
JSON-LD, feeds, sitemap and robots.txt. Absolute URLs come from SITE_URL."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TagFactory, UserFactory
from tests.html import link_href, meta_content, soup, structured_data

pytestmark = pytest.mark.django_db

SITE = "https://gazette.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def article():
    return ArticleFactory(
        title="River towns",
        summary="How river towns live with floods.",
        seo_description="Floods, levees and the people who live behind them.",
        author=UserFactory(username="ada", display_name="Ada Park", bio="Writes about rivers."),
        tags=[TagFactory(name="Cities")],
    )


def pages(article):
    return {
        "home": reverse("pages:home"),
        "list": reverse("pages:article-list"),
        "detail": article.get_absolute_url(),
        "tag": reverse("pages:tag-detail", args=["cities"]),
        "author": reverse("pages:author-detail", args=["ada"]),
        "search": reverse("pages:search") + "?q=river",
    }


@pytest.mark.parametrize("name", ["home", "list", "detail", "tag", "author", "search"])
def test_every_page_has_title_description_canonical_and_previews(client, article, name):
    url = pages(article)[name]
    response = client.get(url)

    page = soup(response)
    assert page.title.text.strip().endswith("Gazette")
    description = meta_content(response, name="description")
    assert description
    canonical = link_href(response, "canonical")
    assert canonical == SITE + url
    assert meta_content(response, prop="og:url") == canonical
    assert meta_content(response, prop="og:title")
    assert meta_content(response, prop="og:description") == description
    assert meta_content(response, prop="og:site_name") == "Gazette"
    assert meta_content(response, name="twitter:card") in {"summary", "summary_large_image"}
    alternates = {link["href"] for link in page.find_all("link", rel="alternate")}
    assert {"/feeds/rss/", "/feeds/atom/"} <= alternates


def test_titles_differ_between_pages_of_a_list(client):
    for _ in range(21):
        ArticleFactory()
    first = soup(client.get(reverse("pages:article-list"))).title.text
    second = soup(client.get(reverse("pages:article-list"), {"page": 2})).title.text
    assert first != second
    canonical = link_href(client.get(reverse("pages:article-list"), {"page": 2}), "canonical")
    assert canonical == f"{SITE}/articles/?page=2"


def test_canonical_ignores_the_host_the_request_came_in_on(client, article):
    response = client.get(article.get_absolute_url(), HTTP_HOST="127.0.0.1")
    assert link_href(response, "canonical") == SITE + article.get_absolute_url()


def test_article_page_describes_the_article(client, article):
    response = client.get(article.get_absolute_url())

    assert meta_content(response, name="description") == article.seo_description
    assert meta_content(response, prop="og:type") == "article"
    data = {item["@type"]: item for item in structured_data(response)}
    assert data["Article"]["headline"] == "River towns"
    assert data["Article"]["author"] == {
        "@type": "Person",
        "name": "Ada Park",
        "url": f"{SITE}/authors/ada/",
    }
    assert data["Article"]["datePublished"] == article.published_at.isoformat()
    assert data["Article"]["dateModified"] == article.updated_at.isoformat()
    assert data["Article"]["url"] == SITE + article.get_absolute_url()
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [crumb["item"] for crumb in crumbs] == [
        f"{SITE}/",
        f"{SITE}/articles/",
        SITE + article.get_absolute_url(),
    ]


def test_home_declares_the_website_and_its_search(client, article):
    data = structured_data(client.get(reverse("pages:home")))
    website = next(item for item in data if item["@type"] == "WebSite")
    assert website["url"] == f"{SITE}/"
    assert website["potentialAction"]["target"]["urlTemplate"] == (
        f"{SITE}/search/?q={{search_term}}"
    )


def test_author_page_declares_a_person(client, article):
    data = structured_data(client.get(reverse("pages:author-detail", args=["ada"])))
    person = next(item for item in data if item["@type"] == "Person")
    assert person == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Ada Park",
        "url": f"{SITE}/authors/ada/",
        "description": "Writes about rivers.",
    }


def test_tag_page_links_its_own_feed(client, article):
    response = client.get(reverse("pages:tag-detail", args=["cities"]))
    feeds = soup(response).find_all("link", rel="alternate", type="application/rss+xml")
    assert [feed["href"] for feed in feeds] == ["/tags/cities/feed/", "/feeds/rss/"]


def test_search_results_are_not_indexed_but_the_search_page_is(client, article):
    results = client.get(reverse("pages:search"), {"q": "river"})
    empty = client.get(reverse("pages:search"))
    assert meta_content(results, name="robots") == "noindex"
    assert meta_content(empty, name="robots") is None


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {SITE}/sitemap.xml" in response.content.decode().splitlines()


SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client, url):
    tree = ElementTree.fromstring(client.get(url).content)
    return {
        loc.text: (
            lastmod.text if (lastmod := node.find("sm:lastmod", SITEMAP_NS)) is not None else None
        )
        for node in tree
        for loc in [node.find("sm:loc", SITEMAP_NS)]
    }


def test_sitemap_index_names_every_section_on_the_site_url(client, article):
    sections = sitemap_locations(client, "/sitemap.xml")
    assert set(sections) == {
        f"{SITE}/sitemap-{name}.xml" for name in ("sections", "articles", "tags", "authors")
    }
    assert all(sections.values())


def test_sitemaps_list_articles_tags_and_authors_with_lastmod(client, article):
    articles = sitemap_locations(client, "/sitemap-articles.xml")
    tags = sitemap_locations(client, "/sitemap-tags.xml")
    authors = sitemap_locations(client, "/sitemap-authors.xml")

    assert articles == {SITE + article.get_absolute_url(): article.updated_at.date().isoformat()}
    assert set(tags) == {f"{SITE}/tags/cities/"}
    assert set(authors) == {f"{SITE}/authors/ada/"}
    assert all(tags.values())
    assert all(authors.values())


ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_feed_lists_articles_with_absolute_links(client, article):
    channel = ElementTree.fromstring(client.get("/feeds/rss/").content).find("channel")
    items = channel.findall("item")
    assert channel.find("link").text == f"{SITE}/"
    assert [item.find("link").text for item in items] == [SITE + article.get_absolute_url()]
    assert items[0].find("description").text == article.summary
    assert [c.text for c in items[0].findall("category")] == ["Cities"]


def test_atom_feed_lists_articles_with_authors(client, article):
    feed = ElementTree.fromstring(client.get("/feeds/atom/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["River towns"]
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Ada Park"
    assert entries[0].find(f"{ATOM}link").get("href") == SITE + article.get_absolute_url()


def test_feed_of_an_unknown_tag_is_404(client):
    assert client.get("/tags/nothing/feed/").status_code == 404


@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("home", "/api/v1/articles/"),
        ("list", "/api/v1/articles/"),
        ("detail", "/api/v1/articles/{slug}/"),
        ("tag", "/api/v1/articles/?tag=cities"),
        ("author", "/api/v1/authors/ada/"),
        ("search", "/api/v1/articles/?search=river"),
    ],
)
def test_every_page_links_its_json_twin_and_the_twin_answers(client, article, name, twin):
    response = client.get(pages(article)[name])
    href = link_href(response, "alternate", type="application/json")
    assert href == twin.format(slug=article.slug)
    assert client.get(href).status_code == 200
