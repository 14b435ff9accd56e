"""Every response carries the security headers, and the Content-Security-Policy lets
scripts come only from the site's own files.

The browser test (tests/browser/test_content_security_policy.py) checks that the pages
work under this policy; the Observatory (tests/quality/test_observatory.py) grades it.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Sources that would let injected markup run code or style the page (data: images are fine).
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"}
CODE_DIRECTIVES = ["default-src", "script-src", "style-src", "object-src"]


def content_security_policy(response):
    """The enforced policy as {directive: [sources]}."""
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


@pytest.fixture
def page_paths(db):
    article = ArticleFactory(title="Lighthouse keepers")
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=lighthouse",
        "sign-in": reverse("account_login"),
        "admin": "/admin/login/",
        "api-docs": reverse("api:docs"),
        "api-json": reverse("api:article-list"),
        "browsable-api": reverse("api:article-list") + "?format=api",
        "not-found": "/no-such-page/",
    }


PAGES = ["home", "article", "search", "sign-in", "admin", "api-docs", "api-json", "browsable-api"]


@pytest.mark.parametrize("page", [*PAGES, "not-found"])
def test_every_response_carries_the_security_headers(client, page_paths, page):
    response = client.get(page_paths[page])

    assert response.status_code == (404 if page == "not-found" else 200)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    denied = dict(
        feature.strip().split("=", 1) for feature in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert denied[feature] == "()", feature


@pytest.mark.parametrize("page", [*PAGES, "not-found"])
def test_scripts_run_only_from_our_own_files(client, page_paths, page):
    policy = content_security_policy(client.get(page_paths[page]))

    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for directive in CODE_DIRECTIVES:
        assert not UNSAFE_SOURCES & set(policy[directive]), directive


@pytest.mark.parametrize("page", ["home", "article", "search", "sign-in", "admin", "api-json"])
def test_pages_without_inline_styles_get_no_nonce(client, page_paths, page):
    policy = content_security_policy(client.get(page_paths[page]))

    assert policy["style-src"] == ["'self'"]


@pytest.mark.parametrize("page", ["api-docs", "browsable-api"])
def test_the_one_inline_style_of_third_party_pages_carries_the_nonce(client, page_paths, page):
    response = client.get(page_paths[page])

    (nonce_source,) = [
        source for source in content_security_policy(response)["style-src"] if "nonce-" in source
    ]
    inline_styles = BeautifulSoup(response.content, "html.parser").find_all("style")
    assert inline_styles
    assert all(f"'nonce-{style.get('nonce')}'" == nonce_source for style in inline_styles)
    assert not BeautifulSoup(response.content, "html.parser").find_all(
        "script", src=False, type=lambda kind: kind not in ("application/json",)
    ), "an inline script"


def test_each_response_gets_a_fresh_nonce(client, page_paths):
    first, second = (client.get(page_paths["api-docs"]) for _ in range(2))

    assert (
        content_security_policy(first)["style-src"] != content_security_policy(second)["style-src"]
    )


def test_the_admin_pages_work_with_the_policy_without_inline_scripts(client):
    client.force_login(StaffFactory(is_superuser=True))

    response = client.get("/admin/content/article/add/")

    assert response.status_code == 200
    assert content_security_policy(response)["script-src"] == ["'self'"]
    scripts = BeautifulSoup(response.content, "html.parser").find_all("script")
    inline = [s for s in scripts if not s.get("src") and s.get("type") != "application/json"]
    assert not inline, inline


# --- https -------------------------------------------------------------------------------


@pytest.fixture
def behind_a_tls_proxy(settings):
    """Production's https settings, as an https SITE_URL and DJANGO_SECURE_PROXY_SSL_HEADER
    set them (tests/security/test_deploy_settings.py checks that they do)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


def test_plain_http_is_redirected_to_https(client, behind_a_tls_proxy):
    response = client.get("/articles/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/articles/?page=2"


def test_https_through_the_proxy_is_served_with_hsts_for_a_year_and_subdomains(
    client, behind_a_tls_proxy
):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts


def test_cookies_over_https_are_secure_http_only_and_same_site_lax(client, behind_a_tls_proxy):
    user = StaffFactory(username="cookie-check")

    response = client.post(
        "/admin/login/",
        {"username": user.username, "password": "correct-horse-battery-staple"},
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )

    assert response.status_code == 302, "the sign-in failed"
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
