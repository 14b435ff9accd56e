"""Session-authenticated writes need the CSRF token, on every unsafe method."""

import pytest
from django.conf import settings
from django.urls import reverse

from content.models import Comment, Like
from tests.api.conftest import JsonClient
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

CSRF_SECRET = "a" * 32


@pytest.fixture
def browser(reader):
    """A client that checks CSRF as a real browser session would be checked."""
    client = JsonClient(enforce_csrf_checks=True)
    client.force_login(reader)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


@pytest.fixture
def writes(reader):
    article = ArticleFactory()
    comment = CommentFactory(article=article, author=reader)
    return [
        ("post", reverse("api:article-comments", args=[article.slug]), {"body": "Hi"}),
        ("patch", reverse("api:comment-detail", args=[comment.pk]), {"body": "Edited"}),
        ("put", reverse("api:article-like", args=[article.slug]), None),
        ("delete", reverse("api:article-like", args=[article.slug]), None),
        ("put", reverse("api:article-bookmark", args=[article.slug]), None),
        ("delete", reverse("api:article-bookmark", args=[article.slug]), None),
        ("delete", reverse("api:comment-detail", args=[comment.pk]), None),
    ]


def test_every_write_without_the_csrf_token_is_refused(browser, writes):
    for method, url, data in writes:
        response = getattr(browser, method)(url, data, format="json")

        assert response.status_code == 403, (method, url)
        assert response.json()["code"] == "permission_denied"
        assert "CSRF" in response.json()["message"]
    assert Comment.objects.get().body != "Edited"
    assert not Like.objects.exists()


def test_every_write_with_the_csrf_token_goes_through(browser, writes):
    for method, url, data in writes:
        response = getattr(browser, method)(url, data, format="json", HTTP_X_CSRFTOKEN=CSRF_SECRET)

        assert response.status_code in (200, 201, 204), (method, url, response.content)
