"""The API never reflects an origin it was not told to trust (the Observatory cannot see
this: it sends no Origin). tests/api/test_auth.py checks the basic listed/unlisted cases
on one endpoint; these cover every kind of API endpoint, preflights, and origins that
only look like the listed one."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LISTED = "https://app.gazette.example"
# Origins a careless check (a prefix, a suffix, a scheme-blind or a regex match) would let through.
NOT_LISTED = [
    "https://evil.example",
    "null",
    "https://app.gazette.example.evil.example",
    "https://evilapp.gazette.example",
    "http://app.gazette.example",
    "https://app.gazette.example:8443",
]


@pytest.fixture(autouse=True)
def listed_origin(settings):
    # What DJANGO_CORS_ALLOWED_ORIGINS=https://app.gazette.example sets.
    settings.CORS_ALLOWED_ORIGINS = [LISTED]
    settings.CSRF_TRUSTED_ORIGINS = [LISTED]


@pytest.fixture
def endpoints(db):
    """Reads, a signed-in-only read, writes and sign-in, and an unknown API address."""
    article = ArticleFactory()
    return {
        "article-list": reverse("api:article-list"),
        "article": reverse("api:article-detail", kwargs={"slug": article.slug}),
        "comments": reverse("api:article-comments", kwargs={"slug": article.slug}),
        "me-bookmarks": "/api/v1/me/bookmarks/",
        "login": "/api/v1/auth/login/",
        "token-refresh": "/api/v1/auth/token/refresh/",
        "csrf": "/api/v1/auth/csrf/",
        "unknown": "/api/v1/no-such-thing/",
    }


ENDPOINTS = [
    "article-list",
    "article",
    "comments",
    "me-bookmarks",
    "login",
    "token-refresh",
    "csrf",
    "unknown",
]
WRITES = ["comments", "login", "token-refresh"]


def request(client, method, path, origin):
    headers = {"HTTP_ORIGIN": origin}
    if method == "OPTIONS":
        headers |= {
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type, x-csrftoken, authorization",
        }
        return client.options(path, **headers)
    if method == "POST":
        return client.post(path, {}, content_type="application/json", **headers)
    return client.get(path, **headers)


def methods_of(endpoint):
    return ["GET", "OPTIONS", *(["POST"] if endpoint in WRITES else [])]


@pytest.mark.parametrize("origin", NOT_LISTED)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unlisted_origin_is_never_echoed_nor_given_credentials(
    client, endpoints, endpoint, origin
):
    for method in methods_of(endpoint):
        response = request(client, method, endpoints[endpoint], origin)

        allowed = response.get("Access-Control-Allow-Origin")
        assert allowed in (None, LISTED), f"{method}: {allowed}"
        assert allowed != "*"
        assert "Access-Control-Allow-Credentials" not in response, method
        if method == "OPTIONS":
            assert "Access-Control-Allow-Methods" not in response


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_listed_origin_is_allowed_with_credentials(client, endpoints, endpoint):
    for method in methods_of(endpoint):
        response = request(client, method, endpoints[endpoint], LISTED)

        assert response["Access-Control-Allow-Origin"] == LISTED, method
        assert response["Access-Control-Allow-Credentials"] == "true", method
        assert "origin" in response["Vary"].lower(), method


def test_pages_outside_the_api_answer_no_origin_at_all(client):
    for origin in [LISTED, *NOT_LISTED]:
        response = client.options("/accounts/login/", HTTP_ORIGIN=origin)
        assert "Access-Control-Allow-Origin" not in response
