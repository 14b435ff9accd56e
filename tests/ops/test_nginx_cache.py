"""deploy/nginx.conf in front of gunicorn, as shipped: anonymous pages come from nginx's
cache for as long as the app's `s-maxage` says and no longer; personal requests are
never answered from it and their answers never stored."""

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from bench import nginx
from bench.server import ServerError, free_port, manage, production_env, stop
from tests.ops.client import Client
from tests.ops.conftest import PASSWORD, UNTHROTTLED_RATES, in_site_shell, start_servers

# Short, so that the test sees a stored page expire.
SHARED_MAX_AGE = 1
BROWSER = {"Accept": "text/html", "Accept-Encoding": "gzip, br"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, static_root):
    """gunicorn on SQLite with one article and one reader, nginx in front."""
    workdir = tmp_path_factory.mktemp("nginx-site")
    env = production_env(
        workdir,
        free_port(),
        STATIC_ROOT=static_root,
        DJANGO_NUM_PROXIES=1,
        PAGE_CACHE_SHARED_MAX_AGE=SHARED_MAX_AGE,
        PAGE_CACHE_STALE_WHILE_REVALIDATE=0,
        **UNTHROTTLED_RATES,
    )
    manage("migrate", "--noinput", env=env)
    article, _ = in_site_shell(
        env,
        ("published_article", {"title": "Lanterns on the quay"}),
        ("readers", {"prefix": "night-reader", "count": 1, "password": PASSWORD}),
    )
    (app,) = start_servers((env, workdir / "gunicorn.log"))
    port = free_port()
    # As root, nginx's workers run as an unprivileged user, who cannot enter pytest's
    # private temporary folders: nginx gets a folder of its own that they may enter.
    nginx_dir = Path(tempfile.mkdtemp(prefix="gazette-nginx-"))
    nginx_dir.chmod(0o755)
    try:
        config = nginx.write_config(
            nginx_dir,
            port=port,
            upstream=env["GUNICORN_BIND"],
            static_root=static_root,
            media_root=workdir,
        )
        proxy = nginx.start(config, port)
    except ServerError as error:
        app.stop()
        shutil.rmtree(nginx_dir)
        pytest.fail(str(error), pytrace=False)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "env": env, "slug": article["slug"]}
    finally:
        stop(proxy)
        app.stop()
        shutil.rmtree(nginx_dir)


def cache_status(response):
    return response.headers.get("X-Cache-Status")


def test_an_anonymous_page_is_served_from_nginx_until_its_s_maxage(site):
    visitor = Client(site["url"])
    path = f"/articles/{site['slug']}/"

    first = visitor.get(path, headers=BROWSER)
    second = visitor.get(path, headers=BROWSER)
    assert (first.status, cache_status(first)) == (200, "MISS")
    assert (cache_status(second), second.body) == ("HIT", first.body)
    revalidated = visitor.get(path, headers={**BROWSER, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status == 304

    in_site_shell(site["env"], ("retitle_article", {"slug": site["slug"], "title": "Lamps"}))
    time.sleep(SHARED_MAX_AGE + 0.5)

    # Expired: nginx asks the app, which has a new version; the page changes.
    after = Client(site["url"]).get(path, headers={"Accept": "text/html"})
    assert (after.status, cache_status(after)) in {(200, "EXPIRED"), (200, "MISS")}
    assert b"Lamps" in after.body


def test_personal_requests_bypass_the_cache_and_are_never_stored(site):
    reader = Client(site["url"])
    reader.fetch_csrf_token()
    signed_in = reader.post(
        "/api/v1/auth/login/", json_body={"username": "night-reader0", "password": PASSWORD}
    )
    assert signed_in.status == 200
    path = "/articles/"

    personal = reader.get(path, headers=BROWSER)
    assert cache_status(personal) == "BYPASS"
    assert "private" in personal.headers["Cache-Control"]
    with_token = Client(site["url"], bearer="not-even-valid").get("/api/v1/articles/")
    assert cache_status(with_token) == "BYPASS"

    # The signed-in answer was not kept: the first anonymous request goes to the app.
    anonymous = Client(site["url"]).get(path, headers=BROWSER)
    assert (anonymous.status, cache_status(anonymous)) == (200, "MISS")
    assert b"night-reader0" not in anonymous.body
