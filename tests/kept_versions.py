"""What the two ways of keeping content versions in process must both do (content/
freshness.py): pushed by PostgreSQL (tests/test_pushed_versions.py) and kept while
SQLite is unchanged (tests/test_sqlite_versions.py). Each test module names its own
preconditions (a listener, a database) and calls these."""

import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from content.models import Article
from tests.factories import ArticleFactory, CommentFactory, TagFactory, UserFactory
from tests.test_visitor_cache import JSON, assert_cache_shows_the_change, public_urls


def small_site():
    """Two published articles by one writer in one tag, the newer with a comment."""
    writer = UserFactory(username="writer")
    harbour = TagFactory(name="Harbour")
    ArticleFactory(author=writer, tags=[harbour], title="Old lighthouse")
    article = ArticleFactory(author=writer, tags=[harbour], title="Night ferry")
    CommentFactory(article=article, body="First crossing")
    article.refresh_from_db()
    return {"writer": writer, "article": article}


def assert_cached_answers_make_no_query(client, article, assert_num_queries):
    for url in public_urls(article):
        first = client.get(url, **JSON)
        with assert_num_queries(0):
            again = client.get(url, **JSON)
        with assert_num_queries(0):
            not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **JSON)
        assert again.content == first.content, url
        assert not_modified.status_code == 304, url


def assert_own_edits_show_everywhere_at_once(client, article):
    urls = public_urls(article)

    def retitle():
        article.title = "Night ferry to the islands"
        article.save()

    assert_cache_shows_the_change(client, urls, retitle, must_change=urls[:9] + urls[11:13])
    assert_cache_shows_the_change(
        client, urls, lambda: CommentFactory(article=article), must_change=[urls[2], urls[13]]
    )


def assert_a_scheduled_article_appears_at_its_time(client, writer, assert_num_queries):
    coming = ArticleFactory(
        author=writer, title="Dawn tide", published_at=timezone.now() + timedelta(seconds=2)
    )
    url = reverse("pages:home")
    assert b"Dawn tide" not in client.get(url).content
    with assert_num_queries(0):
        assert b"Dawn tide" not in client.get(url).content

    time.sleep((coming.published_at - timezone.now()).total_seconds() + 0.1)

    assert b"Dawn tide" in client.get(url).content
    with assert_num_queries(0):
        assert b"Dawn tide" in client.get(url).content
    assert Article.objects.scheduled().count() == 0
