"""The hostile corpus on every surface, read without a browser: pages, JSON-LD, feeds,
sitemaps and the API show each payload as text and never as markup.

The corpus site is built once for the module, inside a transaction rolled back at the
end; each test runs in a savepoint within it, as any pytest-django test does. Escaping is
the templates' and serializers' work, the same on every back end, so the SQLite run
checks it (any query on PostgreSQL's search: tests/content/test_search.py).
"""

import json

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import Article, Tag
from pages.feeds import xml_text
from tests.security.checks import (
    assert_no_live_markup,
    json_ld_blocks,
    parse_html,
    parse_xml,
    sanitized_body_problems,
)
from tests.security.corpus import build_hostile_site, load_payloads, pack

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_every_backend]

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_hostile_site(load_payloads())
        transaction.set_rollback(True)


def without_templates(html):
    """The page as shown: <template> contents are inert until the JavaScript fills them
    (they are still checked for live markup, with the rest of the page)."""
    page = parse_html(html)
    for template in page.find_all("template"):
        template.decompose()
    return page


def get_ok(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response


def list_pages(client, path):
    """Every `?page=N` of a paginated list, until the last."""
    pages, number = [], 1
    while True:
        response = get_ok(client, f"{path}?page={number}")
        pages.append((f"{path}?page={number}", response))
        if not parse_html(response.content.decode()).find("a", rel="next"):
            return pages
        number += 1


def test_the_corpus_has_at_least_two_hundred_distinct_payloads():
    payloads = load_payloads()
    assert len(payloads) >= 200
    assert len(set(payloads)) == len(payloads), "a payload is listed twice"


def test_article_pages_show_every_payload_as_text(client, site):
    for article in site.articles:
        response = get_ok(client, article.get_absolute_url())
        html = response.content.decode()
        assert_no_live_markup(html, article.get_absolute_url())
        page = without_templates(html)
        # Verbatim as text: escaped, not dropped or rewritten.
        assert page.h1.get_text() == article.title
        assert page.select_one(".article__summary").get_text() == article.summary
        assert sorted(a.get_text() for a in page.select(".article .tag-list a")) == sorted(
            tag.name for tag in article.tags.all()
        )
        shown = sorted(p.get_text() for p in page.select(".comment__body"))
        assert shown == sorted(comment.body for comment in article.comments.all())
        assert not sanitized_body_problems(article.body_html)


def test_json_ld_keeps_its_structure_and_cannot_close_its_script(client, site):
    for article in site.articles:
        blocks = json_ld_blocks(get_ok(client, article.get_absolute_url()).content.decode())
        data = next(block for block in blocks if block["@type"] == "Article")
        assert data["headline"] == article.title[:110]
        assert data["description"] == article.summary
        assert data["author"]["name"] == article.author.public_name
        assert data["keywords"] == [tag.name for tag in article.tags.all()]
        crumbs = next(block for block in blocks if block["@type"] == "BreadcrumbList")
        assert crumbs["itemListElement"][-1]["name"] == article.title
    for author in site.authors:
        url = reverse("pages:author-detail", args=[author.username])
        blocks = json_ld_blocks(get_ok(client, url).content.decode())
        person = next(block for block in blocks if block["@type"] == "Person")
        assert person["name"] == author.public_name
        assert person["description"] == author.bio


def test_lists_tags_authors_and_search_show_payloads_as_text(client, site):
    urls = [reverse("pages:home")]
    urls += [url for url, _ in list_pages(client, reverse("pages:article-list"))]
    urls += [reverse("pages:tag-detail", args=[tag.slug]) for tag in site.tags]
    urls += [reverse("pages:author-detail", args=[a.username]) for a in site.authors]
    for url in urls:
        assert_no_live_markup(get_ok(client, url).content.decode(), url)

    search = reverse("pages:search")
    for query in site.search_queries:
        response = get_ok(client, search, data={"q": query})
        assert_no_live_markup(response.content.decode(), f"search for {query!r}")
        page = parse_html(response.content.decode())
        assert page.select_one("#search-q")["value"] == " ".join(query.split())


def test_tag_and_author_pages_name_them_verbatim(client, site):
    for tag in Tag.objects.in_use():
        page = parse_html(get_ok(client, reverse("pages:tag-detail", args=[tag.slug])).content)
        assert tag.name in page.h1.get_text()
    for author in site.authors:
        url = reverse("pages:author-detail", args=[author.username])
        page = parse_html(get_ok(client, url).content)
        assert page.h1.get_text().strip() == author.public_name


def test_a_readers_bookmarks_and_comment_pages_show_payloads_as_text(site):
    client = Client()
    client.force_login(site.reader)
    urls = [url for url, _ in list_pages(client, reverse("pages:bookmarks"))]
    for url in urls:
        assert_no_live_markup(get_ok(client, url).content.decode(), url)
    # The signed-in version of an article page: the forms, and edit and delete links.
    for article in site.body_articles:
        commenter = article.comments.first().author
        client.force_login(commenter)
        html = get_ok(client, article.get_absolute_url()).content.decode()
        assert_no_live_markup(html, f"{article.get_absolute_url()} for its commenter")
        comment = article.comments.filter(author=commenter).first()
        for name in ("pages:comment-edit", "pages:comment-delete"):
            url = reverse(name, args=[comment.pk])
            assert_no_live_markup(get_ok(client, url).content.decode(), url)


def test_hostile_url_parameters_are_not_reflected_as_markup(client, site):
    article = site.articles[0]
    # Many payloads to a parameter: the parameters are reflected (or not) as a whole.
    for payloads in pack(site.payloads, 2000):
        for url, params in (
            (reverse("pages:article-list"), {"page": payloads}),
            (reverse("pages:home"), {"utm_source": payloads, payloads: "1"}),
            (article.get_absolute_url(), {"next": payloads, "ref": payloads}),
            (reverse("account_login"), {"next": payloads}),
            (reverse("account_signup"), {"next": payloads}),
            (reverse("pages:search"), {"q": "Article", "page": payloads}),
            (reverse("pages:tag-detail", args=[site.tags[0].slug]), {"page": payloads}),
        ):
            response = client.get(url, params)
            assert response.status_code in {200, 404}, (url, payloads)
            assert_no_live_markup(response.content.decode(), f"{url} with {payloads!r}")
            for field in parse_html(response.content.decode()).select("input[name=next]"):
                # Carried on as typed (a redirect checks it later) or dropped.
                assert field.get("value", "") in {"", payloads}


def as_feed_text(text):
    """`text` as a feed reader gets it: without what XML cannot carry, and with line
    ends normalized by the XML parser."""
    return xml_text(text).replace("\r\n", "\n").replace("\r", "\n")


def test_feeds_are_well_formed_and_carry_payloads_as_text(client, site):
    newest = Article.objects.published().newest_first()[:20]
    rss = parse_xml(get_ok(client, reverse("pages:feed-rss")).content)
    items = list(rss.iter("item"))
    assert [item.findtext("title") for item in items] == [as_feed_text(a.title) for a in newest]
    assert [item.findtext("description") for item in items] == [
        as_feed_text(a.summary) for a in newest
    ]
    atom = parse_xml(get_ok(client, reverse("pages:feed-atom")).content)
    entries = list(atom.iter(f"{ATOM}entry"))
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        as_feed_text(a.title) for a in newest
    ]
    assert [entry.find(f"{ATOM}author").findtext(f"{ATOM}name") for entry in entries] == [
        as_feed_text(a.author.public_name) for a in newest
    ]
    tag_names = {as_feed_text(tag.name) for tag in site.tags}
    for tag in site.tags:
        feed = parse_xml(get_ok(client, reverse("pages:tag-feed", args=[tag.slug])).content)
        assert feed.find("channel").findtext("title").endswith(as_feed_text(tag.name))
        assert {category.text for category in feed.iter("category")} <= tag_names
    for feed in (rss, atom):
        for link in [*feed.iter("link"), *feed.iter(f"{ATOM}link")]:
            href = link.get("href") or link.text or ""
            assert href.startswith(f"{settings.SITE_URL}/"), href


def test_sitemaps_are_well_formed_and_only_name_the_sites_addresses(client, site):
    index = parse_xml(get_ok(client, reverse("pages:sitemap")).content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections
    names = []
    for section in sections:
        sitemap = parse_xml(get_ok(client, section.removeprefix(settings.SITE_URL)).content)
        names += [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    expected = {f"{settings.SITE_URL}{a.get_absolute_url()}" for a in site.articles}
    assert expected <= set(names)
    assert all(name.startswith(f"{settings.SITE_URL}/") for name in names)


def api_pages(api, url):
    """Every page of an API list, following `next`."""
    while url:
        response = get_ok(api, url)
        yield response
        url = response.json()["next"]


def test_the_api_returns_payloads_as_json_strings(site):
    api = APIClient()
    listed = []
    for response in api_pages(api, reverse("api:article-list")):
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        listed += response.json()["results"]
    assert {item["title"] for item in listed} == {a.title for a in site.articles}
    for article in site.body_articles:
        detail = get_ok(api, reverse("api:article-detail", args=[article.slug])).json()
        assert detail["title"] == article.title
        assert detail["summary"] == article.summary
        assert not sanitized_body_problems(detail["body_html"])
        comments = get_ok(api, reverse("api:article-comments", args=[article.slug])).json()
        assert sorted(c["body"] for c in comments["results"]) == sorted(
            c.body for c in article.comments.all()
        )
    tags = get_ok(api, reverse("api:tag-list")).json()["results"]
    assert {t["name"] for t in tags} == {t.name for t in Tag.objects.in_use()}
    authors = get_ok(api, reverse("api:author-list")).json()["results"]
    assert {(a["name"], a["bio"]) for a in authors} == {
        (a.public_name, a.bio) for a in site.authors
    }
    api.force_authenticate(site.reader)
    bookmarked = [
        item["title"]
        for response in api_pages(api, reverse("api:my-bookmarks"))
        for item in response.json()["results"]
    ]
    assert sorted(bookmarked) == sorted(a.title for a in site.articles)


def test_the_browsable_api_shows_payloads_as_text(site):
    api = APIClient()
    urls = [reverse("api:article-list"), reverse("api:tag-list"), reverse("api:author-list")]
    for article in site.body_articles:
        urls += [
            reverse("api:article-detail", args=[article.slug]),
            reverse("api:article-comments", args=[article.slug]),
        ]
    for url in urls:
        response = get_ok(api, url, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html")
        assert_no_live_markup(
            response.content.decode(), f"browsable {url}", allowed_elements={"style"}
        )
        # The JSON shown in the page is the JSON the API sends, as text.
        shown = parse_html(response.content.decode()).select_one(".response-info pre")
        if shown is not None:
            body = shown.get_text().split("\n\n", 1)[-1]
            assert json.loads(body)
