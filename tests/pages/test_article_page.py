"""One article's page: everything a reader sees on it, and what staff see of unpublished ones."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import (
    ArticleFactory,
    BookmarkFactory,
    CommentFactory,
    LikeFactory,
    TagFactory,
    UserFactory,
)
from tests.html import soup

pytestmark = pytest.mark.django_db


def png(width, height):
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def test_shows_body_byline_dates_reading_time_and_linked_tags(client):
    published = timezone.now() - timedelta(days=3)
    article = ArticleFactory(
        title="River towns",
        body="The **river** rose.",
        author=UserFactory(username="ada", display_name="Ada Park", bio="Writes about rivers."),
        tags=[TagFactory(name="Cities")],
        published_at=published,
    )

    page = soup(client.get(article.get_absolute_url()))

    assert page.h1.text == "River towns"
    assert "<strong>river</strong>" in str(page.select_one(".article__body"))
    byline = page.select_one(".article__meta")
    assert byline.select_one('a[rel="author"]')["href"] == "/authors/ada/"
    assert byline.select("time")[0]["datetime"] == f"{published:%Y-%m-%dT%H:%M:%S}Z"
    assert "Updated" in byline.text  # the article row was written today, after publication
    assert "1 min read" in byline.text
    assert page.select_one(".tag-list a")["href"] == "/tags/cities/"
    card = page.select_one(".author-card")
    assert "Ada Park" in card.text
    assert "Writes about rivers." in card.text


def test_the_cover_image_carries_its_dimensions_and_alt_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory(cover_image=png(640, 360), cover_alt="A teal square")

    cover = soup(client.get(article.get_absolute_url())).select_one(".article__cover img")

    assert (cover["width"], cover["height"], cover["alt"]) == ("640", "360", "A teal square")


def test_links_to_the_previous_and_next_published_articles(client):
    now = timezone.now()
    older = ArticleFactory(title="Older", published_at=now - timedelta(days=3))
    ArticleFactory(title="Draft in between", draft=True)
    middle = ArticleFactory(title="Middle", published_at=now - timedelta(days=2))
    newer = ArticleFactory(title="Newer", published_at=now - timedelta(days=1))
    ArticleFactory(title="Future", scheduled=True)

    nav = soup(client.get(middle.get_absolute_url())).select_one(".article-nav")

    assert nav.select_one('a[rel="prev"]')["href"] == older.get_absolute_url()
    assert nav.select_one('a[rel="next"]')["href"] == newer.get_absolute_url()
    newest_nav = soup(client.get(newer.get_absolute_url())).select_one(".article-nav")
    assert newest_nav.select_one('a[rel="next"]') is None


def test_shows_visible_comments_oldest_first_and_hides_hidden_ones(client):
    article = ArticleFactory()
    now = timezone.now()
    CommentFactory(article=article, body="Second", created_at=now - timedelta(minutes=1))
    CommentFactory(article=article, body="First", created_at=now - timedelta(minutes=5))
    CommentFactory(article=article, body="Spam spam spam", is_hidden=True)

    page = soup(client.get(article.get_absolute_url()))

    assert [c.text.strip() for c in page.select(".comment__body")] == ["First", "Second"]
    assert page.select_one("#comments-title").text == "2 comments"


def test_moderators_see_hidden_comments_marked_as_hidden(client, editor):
    article = ArticleFactory()
    CommentFactory(article=article, body="Spam spam spam", is_hidden=True)
    client.force_login(editor)

    hidden = soup(client.get(article.get_absolute_url())).select_one(".comment--hidden")

    assert "Hidden by moderation" in hidden.text


def test_visitors_get_sign_in_links_instead_of_forms(client):
    article = ArticleFactory()
    LikeFactory.create_batch(2, article=article)

    page = soup(client.get(article.get_absolute_url()))

    assert page.select("form.comment-form") == []
    assert page.select('form[action$="/like/"]') == []
    assert page.select_one(".reactions__count").text == "2 likes"
    sign_in = f"/accounts/login/?next={article.get_absolute_url()}"
    assert page.select_one(f'.reactions a[href="{sign_in}"]') is not None
    assert page.select_one(f'.comments a[href="{sign_in}"]') is not None
    assert page.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None


def test_signed_in_readers_get_the_comment_form_and_their_like_and_bookmark_state(client, reader):
    article = ArticleFactory()
    LikeFactory(user=reader, article=article)
    client.force_login(reader)

    page = soup(client.get(article.get_absolute_url()))

    assert page.select_one("form.comment-form textarea[name=body]") is not None
    like = page.select_one('form[action$="/like/"]')
    assert like.select_one("input[name=state]")["value"] == "off"
    assert like.button["aria-pressed"] == "true"
    bookmark = page.select_one('form[action$="/bookmark/"]')
    assert bookmark.select_one("input[name=state]")["value"] == "on"
    assert bookmark.button["aria-pressed"] == "false"


def test_a_bookmarked_article_offers_to_remove_the_bookmark(client, reader):
    article = ArticleFactory()
    BookmarkFactory(user=reader, article=article)
    client.force_login(reader)
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one('form[action$="/bookmark/"] button').text == "Bookmarked"


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_are_404_to_readers_and_authors_of_other_pieces(
    client, reader, other_author, state
):
    article = ArticleFactory(**{state: True})

    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(other_author)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(("state", "banner"), [("draft", "Draft"), ("scheduled", "Scheduled")])
def test_editors_preview_unpublished_articles_with_a_banner_and_noindex(
    client, editor, state, banner
):
    article = ArticleFactory(**{state: True})
    client.force_login(editor)

    page = soup(client.get(article.get_absolute_url()))

    assert page.select_one(".banner strong").text == banner
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.select("form.comment-form") == []


def test_authors_preview_their_own_draft(client, author):
    article = ArticleFactory(author=author, draft=True)
    client.force_login(author)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_published_article_has_no_banner_and_no_noindex(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    page = soup(client.get(article.get_absolute_url()))
    assert page.select(".banner") == []
    assert page.find("meta", attrs={"name": "robots"}) is None
