"""CORS in a real browser: a page served from a second local origin calls the API with
the reader's cookies. An origin in DJANGO_CORS_ALLOWED_ORIGINS reads and writes (with the
CSRF token, as the site's own pages do); any other origin is stopped by the browser."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from content.models import Comment
from tests.browser.conftest import live_database
from tests.factories import ArticleFactory

pytestmark = live_database


class ElsewherePage(BaseHTTPRequestHandler):
    """A blank page: the other front end, which only needs an origin of its own."""

    def do_GET(self):
        body = b"<!doctype html><html lang=en><title>Elsewhere</title><p>Another site.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def origins():
    """Two more origins on this machine (other ports), for the session: Django's CSRF
    middleware keeps the trusted origins it first read, so they must not change."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), ElsewherePage) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {
        name: f"http://127.0.0.1:{server.server_port}"
        for name, server in zip(["listed", "unlisted"], servers, strict=True)
    }
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cors(settings, origins):
    # What DJANGO_CORS_ALLOWED_ORIGINS sets: CORS for the listed origin, trusted for CSRF.
    settings.CORS_ALLOWED_ORIGINS = [origins["listed"]]
    settings.CSRF_TRUSTED_ORIGINS = [origins["listed"]]
    return origins


READ_ME = """async api => {
    try {
        const response = await fetch(`${api}/api/v1/auth/user/`, {credentials: "include"});
        return [response.status, (await response.json()).username];
    } catch (error) {
        return ["blocked", error.name];
    }
}"""

POST_COMMENT = """async ([api, slug]) => {
    try {
        const csrf = await fetch(`${api}/api/v1/auth/csrf/`, {credentials: "include"});
        const token = (await csrf.json()).csrf_token;
        const response = await fetch(`${api}/api/v1/articles/${slug}/comments/`, {
            method: "POST",
            credentials: "include",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({body: "Posted from another front end"}),
        });
        return response.status;
    } catch (error) {
        return "blocked";
    }
}"""


def test_a_listed_origin_reads_and_writes_with_the_readers_credentials(
    page, sign_in, reader, live_server, cors
):
    article = ArticleFactory()
    sign_in(reader)
    page.goto(cors["listed"])

    assert page.evaluate(READ_ME, live_server.url) == [200, "reader"]
    assert page.evaluate(POST_COMMENT, [live_server.url, article.slug]) == 201
    assert Comment.objects.get().body == "Posted from another front end"


@pytest.mark.failed_requests
def test_an_unlisted_origin_is_blocked_by_the_browser(page, sign_in, reader, live_server, cors):
    article = ArticleFactory()
    sign_in(reader)
    page.goto(cors["unlisted"])

    assert page.evaluate(READ_ME, live_server.url) == ["blocked", "TypeError"]
    assert page.evaluate(POST_COMMENT, [live_server.url, article.slug]) == "blocked"
    assert not Comment.objects.exists()
