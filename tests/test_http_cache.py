"""The HTTP cache (project/http_cache.py, content/versions.py) is exact: after any change
a reader could see, the very next request to every page and API read shows it, the
others do not change, and nobody signed in ever gets a cached answer."""

import gzip
import io
import re
import time
from datetime import timedelta

import brotli
import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Article
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    LikeFactory,
    StaffFactory,
    UserFactory,
    verified_user,
)

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def fetch_all(client, urls):
    """Each URL's answer body as a visitor gets it now, by URL."""
    return {url: client.get(url, **JSON).content for url in urls}


def clear_cached_answers():
    caches["pages"].clear()
    caches["views"].clear()


def fetch_fresh(client, urls):
    """The same, rendered with nothing cached: what the cached answers must equal."""
    clear_cached_answers()
    return fetch_all(client, urls)


# The sitemaps state when each address last changed: whether a save moves that depends on
# the clock (the date, the second) as well.
SITEMAPS = ["/sitemap.xml", "/sitemap-articles.xml"]


def assert_cache_shows_the_change(client, urls, change, must_change, may_change=SITEMAPS):
    """After `change`, every answer equals a fresh render; those in `must_change`
    changed, and no other did but those in `may_change`."""
    fetch_all(client, urls)
    before = fetch_all(client, urls)  # now answered from the cache

    change()

    after = fetch_all(client, urls)
    assert after == fetch_fresh(client, urls)
    changed = {url for url in urls if after[url] != before[url]}
    assert set(must_change) <= changed <= set(must_change) | set(may_change), sorted(changed)


def test_cached_answers_are_public_revalidated_and_stored(client, site):
    url = site["article"].get_absolute_url()
    first = client.get(url)

    assert first["Cache-Control"] == "public, max-age=0, s-maxage=10, stale-while-revalidate=30"
    assert first["ETag"].startswith('W/"')
    assert "Cookie" in first["Vary"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url).content == first.content


def test_editing_an_article_shows_everywhere_at_once(client, site, public_urls):
    article, urls = site["article"], public_urls

    def retitle():
        article.title = "Night ferry to the islands"
        article.save()

    # Everything showing articles shows the title: not the sitemaps (addresses, dates),
    # the comments, nor the API's tags and authors (names and counts).
    showing_titles = urls[:9] + urls[11:13]
    assert_cache_shows_the_change(client, urls, retitle, must_change=showing_titles)


def test_unpublishing_and_publishing_show_everywhere_at_once(client, site, public_urls):
    article, urls = site["article"], public_urls
    listed = urls  # the article's own addresses become 404s, then come back

    assert_cache_shows_the_change(
        client, urls, lambda: services.article_unpublish(article=article), must_change=listed
    )
    assert client.get(article.get_absolute_url()).status_code == 404
    assert_cache_shows_the_change(
        client, urls, lambda: services.article_publish(article=article), must_change=listed
    )
    assert client.get(article.get_absolute_url()).status_code == 200


def test_renaming_a_tag_and_changing_a_profile_show_at_once(client, site, public_urls):
    urls = public_urls
    tag, writer = site["tag"], site["writer"]

    def rename_tag():
        tag.name = "Harbours"
        tag.save()

    def rename_writer():
        writer.display_name = "Ada L."
        writer.save()

    # Tags show on every card, article, feed and API read of articles or tags; authors'
    # names on all of those but the tag list, and on their own API profile.
    comments, tag_list, author_profile = urls[13], urls[14], urls[15]
    showing_tags = [url for url in urls if url not in {*SITEMAPS, comments, author_profile}]
    showing_names = [url for url in urls if url not in {*SITEMAPS, comments, tag_list}]
    assert_cache_shows_the_change(client, urls, rename_tag, must_change=showing_tags)
    assert_cache_shows_the_change(client, urls, rename_writer, must_change=showing_names)


def test_comments_and_likes_show_on_their_article_at_once(client, site, public_urls):
    article, urls = site["article"], public_urls
    moderator = StaffFactory(role="Editors")
    on_the_article = [urls[2], urls[12], urls[13]]  # page, API detail, API comments

    assert_cache_shows_the_change(
        client, urls, lambda: CommentFactory(article=article), must_change=on_the_article
    )
    comment = article.comments.first()
    assert_cache_shows_the_change(
        client,
        urls,
        lambda: services.comment_set_hidden(comment=comment, by=moderator, hidden=True),
        must_change=on_the_article,
    )
    assert_cache_shows_the_change(
        client, urls, lambda: LikeFactory(article=article), must_change=[urls[2], urls[12]]
    )


def test_replies_and_hiding_or_deleting_their_root_show_on_their_article_at_once(
    client, site, public_urls
):
    article, urls = site["article"], public_urls
    moderator = StaffFactory(role="Editors")
    on_the_article = [urls[2], urls[12], urls[13]]  # page, API detail, API comments
    root = CommentFactory(article=article)

    def reply():
        services.comment_create(article=article, author=UserFactory(), body="Yes.", parent=root)

    assert_cache_shows_the_change(client, urls, reply, must_change=on_the_article)
    assert_cache_shows_the_change(
        client,
        urls,
        lambda: services.comment_set_hidden(comment=root, by=moderator, hidden=True),
        must_change=on_the_article,
    )
    # The placeholder goes and the reply stands alone; the count stays.
    assert_cache_shows_the_change(
        client,
        urls,
        lambda: services.comment_delete(comment=root, by=moderator),
        must_change=[urls[2], urls[13]],
        may_change=[*SITEMAPS, urls[12]],
    )


def test_signing_in_changes_nothing_public(client, site, public_urls):
    before = {url: client.get(url, **JSON)["ETag"] for url in public_urls}

    client.force_login(site["writer"])  # stamps last_login
    client.logout()

    assert {url: client.get(url, **JSON)["ETag"] for url in public_urls} == before


def test_a_scheduled_article_appears_at_its_time_with_no_job(client, site):
    coming = ArticleFactory(
        title="Dawn tide", published_at=timezone.now() + timedelta(seconds=2), tags=[site["tag"]]
    )
    home = client.get("/")
    assert b"Dawn tide" not in home.content
    # Nothing may keep the home page past the publication: nginx neither.
    assert "s-maxage=1," in home["Cache-Control"] or "s-maxage=2," in home["Cache-Control"]

    time.sleep((coming.published_at - timezone.now()).total_seconds() + 0.1)

    assert b"Dawn tide" in client.get("/").content
    assert b"Dawn tide" in client.get(reverse("api:article-list"), **JSON).content
    assert client.get(coming.get_absolute_url()).status_code == 200


def test_a_signed_in_reader_never_gets_a_cached_answer(client, site):
    article = site["article"]
    url = article.get_absolute_url()
    visitor_copy = client.get(url)
    reader, other = UserFactory(username="reader"), UserFactory(username="other")
    services.like_set(user=reader, article=article)

    client.force_login(reader)
    readers_page = client.get(url)
    client.force_login(other)
    others_page = client.get(url)
    client.logout()

    assert readers_page["Cache-Control"] == "private, no-cache"
    assert 'name="state" value="off"' in readers_page.content.decode()  # liked: "unlike"
    assert 'name="state" value="off"' not in others_page.content.decode()
    assert b"reader" not in others_page.content
    assert client.get(url).content != readers_page.content
    assert visitor_copy["ETag"] != client.get(url)["ETag"]  # the like changed the count


def test_pending_messages_skip_the_cache(client, site):
    client.get("/")
    client.cookies["messages"] = "anything"

    assert client.get("/")["Cache-Control"] == "private, no-cache"


def test_with_the_cache_off_every_answer_is_rendered_and_304s_stay_cheap(
    client, site, settings, django_assert_max_num_queries, django_assert_num_queries
):
    settings.PAGE_CACHE = False
    url = reverse("pages:article-list")
    first = client.get(url)

    caches["views"].clear()  # so that the view's page shows whether the view ran
    with django_assert_max_num_queries(4):
        again = client.get(url)
    assert again.content == first.content
    assert "pages/article_list.html" in [template.name for template in again.templates]
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_seeding_in_bulk_replaces_the_site_version(client, site):
    before = client.get("/")["ETag"]

    call_command("seed_demo", articles=3, comments=0, stdout=io.StringIO())

    assert Article.objects.count() > 2
    assert client.get("/")["ETag"] != before


@pytest.mark.parametrize(
    ("accept_encoding", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
        ("", None, bytes),
    ],
)
def test_stored_answers_are_compressed_once_for_the_clients_that_accept_it(
    client, site, accept_encoding, encoding, decode
):
    url = site["article"].get_absolute_url()
    plain = client.get(url).content

    for _ in range(2):  # rendered, then from the cache
        response = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
        assert response.get("Content-Encoding") == encoding
        assert decode(response.content) == plain
        assert "Accept-Encoding" in response["Vary"]


def test_signed_in_pages_show_changes_at_once_through_their_cached_parts(client, site, monkeypatch):
    article = site["article"]
    reader = UserFactory(username="reader")
    own = services.comment_create(article=article, author=reader, body="Mine to edit")
    client.force_login(reader)
    listing, page = reverse("pages:article-list"), article.get_absolute_url()
    assert b"Night ferry" in client.get(listing).content
    assert reverse("pages:comment-edit", args=[own.pk]).encode() in client.get(page).content

    # The edit window closes with time alone: nothing is saved, nothing replaced.
    an_hour_later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: an_hour_later)
    assert reverse("pages:comment-edit", args=[own.pk]).encode() not in client.get(page).content

    article.title = "Morning ferry"
    article.save()
    site["writer"].display_name = "Lady Ada"
    site["writer"].save()

    assert b"Morning ferry" in client.get(listing).content
    assert b"Lady Ada" in client.get(page).content


PER_RENDER_TOKENS = re.compile(
    rb'(name="csrfmiddlewaretoken" value|name="csrf-token" content|name="idempotency_key" value)'
    rb'="[^"]*"'
)


def without_tokens(body):
    # Every render masks the CSRF token afresh, and gives the comment form a new
    # one-time key; the rest of the page must be equal.
    return PER_RENDER_TOKENS.sub(b"", body)


def test_signed_in_pages_equal_a_fresh_render_after_every_change(client, site, public_urls):
    """The oracle of the HTTP cache, for signed-in readers' pages: cached per version and
    reader state (`render_cached` in pages/views.py)."""
    article, older = site["article"], site["older"]
    moderator = StaffFactory(role="Editors")
    client.force_login(UserFactory(username="reader"))
    pages = [*public_urls[:6], older.get_absolute_url()]

    def pages_now():
        return {url: without_tokens(client.get(url).content) for url in pages}

    def retitle():
        article.title = "Night ferry to the islands"
        article.save()

    def rename_tag():
        site["tag"].name = "Harbours"
        site["tag"].save()

    def rename_writer():
        site["writer"].display_name = "Ada L."
        site["writer"].save()

    changes = [
        retitle,
        lambda: services.article_unpublish(article=article),
        lambda: services.article_publish(article=article),
        rename_tag,
        rename_writer,
        lambda: CommentFactory(article=article, body="Second crossing"),
        lambda: services.comment_set_hidden(
            comment=article.comments.first(), by=moderator, hidden=True
        ),
        lambda: LikeFactory(article=article),
    ]
    for change in changes:
        pages_now()  # every part cached
        before = pages_now()
        change()
        after = pages_now()
        clear_cached_answers()
        assert after == pages_now(), change
        assert after != before, change


def test_in_debug_every_answer_is_rendered_and_claims_no_version(client, site, settings):
    settings.DEBUG = True  # a developer editing templates under `make run`

    response = client.get("/")

    assert "ETag" not in response
    assert response["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("accept_encoding", ["", "gzip, br"])
def test_a_stored_answer_carries_the_headers_of_the_rendered_one(client, site, accept_encoding):
    url = site["article"].get_absolute_url()
    rendered = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    stored = client.get(url, HTTP_ACCEPT_ENCODING=accept_encoding)

    assert dict(stored.items()) == dict(rendered.items())
    for security_header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert security_header in stored


def rendered_templates(response):
    return [template.name for template in response.templates]


def test_signed_in_readers_in_the_same_state_share_one_rendered_page(
    site, django_assert_max_num_queries
):
    """pages/views.py `render_cached`: a page is rendered once for every reader in the same
    state; each copy carries its reader's own CSRF token."""
    article = site["article"]
    url = article.get_absolute_url()
    first_reader, second_reader, liker = (UserFactory() for _ in range(3))
    LikeFactory(user=liker, article=article)
    clients = {}
    for reader in (first_reader, second_reader, liker):
        clients[reader] = Client(enforce_csrf_checks=True)
        clients[reader].force_login(reader)

    first = clients[first_reader].get(url)
    # The session (from Redis where it is the cache), the reader, the versions, and the
    # reader's marks on the article.
    with django_assert_max_num_queries(4):
        second = clients[second_reader].get(url)
    liked = clients[liker].get(url)

    assert "pages/article_detail.html" in rendered_templates(first)
    assert rendered_templates(second) == []
    assert "pages/article_detail.html" in rendered_templates(liked)  # another state
    assert without_tokens(second.content) == without_tokens(first.content)
    assert 'aria-pressed="true" data-on="Liked"' in liked.content.decode()
    assert 'aria-pressed="true"' not in second.content.decode()
    # The token in the shared page is the second reader's: their plain form posts with it.
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', second.content)[1]
    posted = clients[second_reader].post(
        reverse("pages:comment-create", args=[article.slug]),
        {"body": "Shared page, own token", "csrfmiddlewaretoken": token.decode()},
    )
    assert posted.status_code == 302
    assert article.comments.filter(author=second_reader, body="Shared page, own token").exists()


def test_pages_that_show_a_reader_more_than_others_are_rendered_for_them(site):
    """Staff (drafts, moderation links), a reader's own comments (edit and delete links)
    and waiting messages make a page the reader's own: never cached, never shared."""
    article = site["article"]
    url = article.get_absolute_url()
    commenter = UserFactory()
    CommentFactory(article=article, author=commenter, body="My own words")
    for reader in (StaffFactory(role="Editors"), commenter):
        client = Client()
        client.force_login(reader)
        client.get(url)

        again = client.get(url)

        assert "pages/article_detail.html" in rendered_templates(again)
    assert reverse("pages:comment-edit", args=[article.comments.get(author=commenter).pk]) in (
        again.content.decode()
    )

    # Signing in through the form leaves a message for the next page, this reader's alone.
    reader, other = verified_user(), Client()
    other.force_login(UserFactory())
    other.get("/")  # the signed-in home page, cached
    client = Client()
    signed_in = client.post(
        reverse("account_login"),
        {"login": reader.username, "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert reader.username in signed_in.content.decode()
    assert "pages/home.html" in rendered_templates(signed_in)
    assert reader.username not in other.get("/").content.decode()


def test_text_that_looks_like_the_token_placeholder_is_shown_as_written(client, site):
    """The placeholder is random per process: a title cannot name it, so no reader's token
    ends up in a page's text."""
    article = site["article"]
    article.title = "csrf " + "0" * 32
    article.save()
    reader = UserFactory()
    client.force_login(reader)

    page = client.get(article.get_absolute_url()).content.decode()

    assert f"<h1>csrf {'0' * 32}</h1>" in page


def test_renaming_an_article_shows_everywhere_at_once(client, site, public_urls):
    article, urls = site["article"], public_urls

    def rename():
        article.slug = "night-crossing"
        article.save()

    # Everything naming the article's address, and its own addresses (now redirects);
    # not the API's tags and authors, nor the sitemap index.
    tag_list, author_profile = urls[14], urls[15]
    naming_it = [url for url in urls if url not in {"/sitemap.xml", tag_list, author_profile}]
    assert_cache_shows_the_change(client, urls, rename, must_change=naming_it)


def test_old_addresses_redirect_to_the_current_one_through_the_cache_after_every_rename(
    client, site
):
    """The cache stores 200s only: a stored answer never answers for an address that now
    redirects, and a redirect or a 404 is never kept past the rename that ends it."""
    article = site["article"]
    first, second, third = article.slug, "night-crossing", "late-ferry"
    names = ["pages:article-detail", "api:article-detail"]

    def answers():
        """(status, Location) of each address of each slug, as a visitor gets them now."""
        return {
            (name, slug): (response.status_code, response.get("Location"))
            for name in names
            for slug in (first, second, third)
            for response in [client.get(reverse(name, args=[slug]), **JSON)]
        }

    answers()  # the current address's answers stored, the others' not
    held = {first}  # the slugs the article has had
    for current in (second, third, first):  # the last one renames back
        article.slug = current
        article.save()
        held.add(current)

        now = answers()
        clear_cached_answers()
        assert now == answers()  # which stores the new current address's answers
        for (name, slug), answer in now.items():
            if slug == current:
                expected = (200, None)
            elif slug in held:
                expected = (301, reverse(name, args=[current]))
            else:
                expected = (404, None)
            assert answer == expected, (name, slug)
