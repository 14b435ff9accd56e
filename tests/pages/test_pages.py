"""The minimal pages: home and article detail, through the visibility rule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_newest_first_and_nothing_else(client):
    now = timezone.now()
    ArticleFactory(title="Older piece", published_at=now - timedelta(days=2))
    ArticleFactory(title="Newer piece", published_at=now - timedelta(days=1))
    ArticleFactory(title="Unfinished draft", draft=True)
    ArticleFactory(title="Tomorrow's news", scheduled=True)

    page = client.get(reverse("pages:home"))

    assert page.status_code == 200
    assert [a.title for a in page.context["articles"]] == ["Newer piece", "Older piece"]
    html = page.content.decode()
    assert "Unfinished draft" not in html
    assert "Tomorrow" not in html


def test_home_does_not_list_drafts_even_to_editors(client, editor):
    ArticleFactory(title="Unfinished draft", draft=True)
    client.force_login(editor)
    assert "Unfinished draft" not in client.get(reverse("pages:home")).content.decode()


def test_the_article_page_shows_body_author_tags_and_visible_comments(client):
    article = ArticleFactory(
        title="River towns",
        body="The **river** rose.",
        author__display_name="Ada Park",
        tags=[TagFactory(name="Cities")],
    )
    CommentFactory(article=article, body="Lovely piece.")
    CommentFactory(article=article, body="Spam spam spam", is_hidden=True)

    page = client.get(article.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>River towns</h1>" in html
    assert "<strong>river</strong>" in html
    assert "Ada Park" in html
    assert "Cities" in html
    assert "Lovely piece." in html
    assert "Spam spam spam" not in html


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_are_404_to_readers(client, reader, state):
    article = ArticleFactory(**{state: True})

    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(("state", "banner"), [("draft", "Draft"), ("scheduled", "Scheduled")])
def test_editors_preview_unpublished_articles_with_a_banner_and_noindex(
    client, editor, state, banner
):
    article = ArticleFactory(**{state: True})
    client.force_login(editor)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<p class="banner" role="status">{banner}' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_published_article_has_no_banner_and_no_noindex(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="banner"' not in html
    assert "noindex" not in html


def test_hostile_text_is_escaped_on_both_pages(client):
    payload = '<script>alert("x")</script>'
    article = ArticleFactory(title=payload, summary=payload, author__display_name=payload)
    CommentFactory(article=article, body=payload, author__display_name=payload)

    for url in (reverse("pages:home"), article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert payload not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("article_count", [3, 30])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, article_count):
    tags = TagFactory.create_batch(3)
    for _ in range(article_count):
        ArticleFactory(tags=tags)

    with django_assert_max_num_queries(2):
        assert client.get(reverse("pages:home")).status_code == 200


@pytest.mark.parametrize("comment_count", [2, 40])
def test_the_article_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, comment_count
):
    article = ArticleFactory(tags=TagFactory.create_batch(3))
    CommentFactory.create_batch(comment_count, article=article)

    with django_assert_max_num_queries(3):
        assert client.get(article.get_absolute_url()).status_code == 200
