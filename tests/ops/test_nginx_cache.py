"""deploy/nginx.conf in front of gunicorn, as shipped: anonymous pages come from nginx's
cache for as long as the app's `s-maxage` says and no longer; personal requests are
never answered from it and their answers never stored."""

import time

import pytest

from tests.ops.client import Client
from tests.ops.conftest import NGINX_SITE_SHARED_MAX_AGE, PASSWORD, in_site_shell

pytestmark = pytest.mark.load_sensitive

BROWSER = {"Accept": "text/html", "Accept-Encoding": "gzip, br"}


def cache_status(response):
    return response.headers.get("X-Cache-Status")


def test_an_anonymous_page_is_served_from_nginx_until_its_s_maxage(nginx_site):
    visitor = Client(nginx_site["url"])
    path = f"/articles/{nginx_site['slug']}/"

    first = visitor.get(path, headers=BROWSER)
    second = visitor.get(path, headers=BROWSER)
    assert (first.status, cache_status(first)) == (200, "MISS")
    assert (cache_status(second), second.body) == ("HIT", first.body)
    revalidated = visitor.get(path, headers={**BROWSER, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status == 304

    in_site_shell(
        nginx_site["env"], ("retitle_article", {"slug": nginx_site["slug"], "title": "Lamps"})
    )
    time.sleep(NGINX_SITE_SHARED_MAX_AGE + 0.5)

    # Expired: nginx asks the app, which has a new version; the page changes.
    after = Client(nginx_site["url"]).get(path, headers={"Accept": "text/html"})
    assert (after.status, cache_status(after)) in {(200, "EXPIRED"), (200, "MISS")}
    assert b"Lamps" in after.body


def test_personal_requests_bypass_the_cache_and_are_never_stored(nginx_site):
    reader = Client(nginx_site["url"])
    reader.sign_in("night-reader0", PASSWORD)
    path = "/articles/"

    personal = reader.get(path, headers=BROWSER)
    assert cache_status(personal) == "BYPASS"
    assert "private" in personal.headers["Cache-Control"]
    with_token = Client(nginx_site["url"], bearer="not-even-valid").get("/api/v1/articles/")
    assert cache_status(with_token) == "BYPASS"

    # The signed-in answer was not kept: the first anonymous request goes to the app.
    anonymous = Client(nginx_site["url"]).get(path, headers=BROWSER)
    assert (anonymous.status, cache_status(anonymous)) == (200, "MISS")
    assert b"night-reader0" not in anonymous.body
