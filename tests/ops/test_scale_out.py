"""The scale-out path: two gunicorn instances on different ports share one PostgreSQL and
one Redis (cache and sessions), as two app servers behind a load balancer would.

Whatever one instance does, the other must see at once: a session, an edit (so any page
cache must be invalidated for both), a throttle's count. Instance B reaches PostgreSQL
through a TCP proxy the tests can cut, to see /readyz follow the database.
"""

import concurrent.futures
import time
import urllib.parse
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from bench.server import free_port, production_env
from tests.ops.client import Client
from tests.ops.conftest import PASSWORD, UNTHROTTLED, in_site_shell, start_servers
from tests.ops.tcp_proxy import TcpProxy

# Sign-in attempts per client address and per account, across both instances.
AUTH_ATTEMPTS_PER_MINUTE = 5
HTML = {"Accept": "text/html"}
# Writes through one instance, each read back at once through the other, spread over
# several articles: a page lists all its comments, and one article with 500 of them
# would make the test measure rendering rather than freshness.
STALE_READ_ROUNDS = 500
STALE_READ_ARTICLES = 20


@dataclass
class Instances:
    a: object
    b: object
    database_proxy: TcpProxy
    slug: str
    article_id: int
    # Articles of their own for the stale-read test, older than the shared one, which
    # stays the newest (on the home page).
    stale_read_slugs: list


@pytest.fixture(scope="module")
def instances(tmp_path_factory, ops_postgres_url, ops_redis_url, static_root):
    workdir = tmp_path_factory.mktemp("scale-out")
    shared = {
        "DATABASE_URL": ops_postgres_url,
        "REDIS_URL": ops_redis_url,
        "STATIC_ROOT": static_root,
        # Behind a load balancer: each test names its own client address, so their
        # sign-ins do not count against each other.
        "DJANGO_NUM_PROXIES": 1,
        "AUTH_THROTTLE_RATE": f"{AUTH_ATTEMPTS_PER_MINUTE}/min",
        "ANON_THROTTLE_RATE": UNTHROTTLED,
        "USER_THROTTLE_RATE": UNTHROTTLED,
        "COMMENT_THROTTLE_RATE": UNTHROTTLED,
        "WEB_CONCURRENCY": 2,
        "GUNICORN_THREADS": 2,
    }
    port_a = free_port()
    env_a = production_env(workdir, port_a, **shared)
    *stale_read_articles, article, _, _ = in_site_shell(
        env_a,
        *(
            ("published_article", {"title": f"Read at once {number}"})
            for number in range(STALE_READ_ARTICLES)
        ),
        ("published_article", {"title": "Shared between servers"}),
        ("readers", {"prefix": "roaming", "count": 5, "password": PASSWORD}),
        ("editor", {"username": "night-editor", "password": PASSWORD}),
    )

    database = urllib.parse.urlsplit(ops_postgres_url)
    proxy = TcpProxy(free_port(), (database.hostname, database.port or 5432))
    credentials = database.netloc.rpartition("@")[0]
    through_proxy = database._replace(
        netloc=f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    )
    proxy.start()
    port_b = free_port()
    env_b = production_env(
        workdir,
        port_b,
        **{
            **shared,
            # One site, two servers: the same key signs sessions, CSRF tokens and JWTs.
            "DJANGO_SECRET_KEY": env_a["DJANGO_SECRET_KEY"],
            "SITE_URL": env_a["SITE_URL"],
            "DATABASE_URL": urllib.parse.urlunsplit(through_proxy),
        },
    )
    try:
        server_a, server_b = start_servers(
            (env_a, workdir / "gunicorn-a.log"), (env_b, workdir / "gunicorn-b.log")
        )
        try:
            yield Instances(
                server_a,
                server_b,
                proxy,
                article["slug"],
                article["id"],
                [stale_read_article["slug"] for stale_read_article in stale_read_articles],
            )
        finally:
            server_a.stop()
            server_b.stop()
    finally:
        proxy.stop()


def client_from(address, server):
    """A client behind the load balancer, which appends `address` to X-Forwarded-For."""

    class ForwardedClient(Client):
        def request(self, method, path, **kwargs):
            headers = {"X-Forwarded-For": address, **kwargs.pop("headers", {})}
            return super().request(method, path, headers=headers, **kwargs)

    return ForwardedClient(server.url)


def sign_in_with_session(client, username):
    client.sign_in(username, PASSWORD)
    assert "sessionid" in client.cookies


def anonymous_views(server, slug):
    """What a visitor sees of the article on `server`: the page, the API's detail and
    its comments."""
    visitor = Client(server.url)
    page = visitor.get(f"/articles/{slug}/", headers=HTML)
    detail = visitor.get(f"/api/v1/articles/{slug}/")
    comments = visitor.get(f"/api/v1/articles/{slug}/comments/")
    assert (page.status, detail.status, comments.status) == (200, 200, 200)
    return {
        "page": BeautifulSoup(page.body, "html.parser"),
        "detail": detail.json(),
        "comment_ids": [comment["id"] for comment in comments.json()["results"]],
    }


def test_a_session_started_on_one_instance_works_on_the_other(instances):
    reader = client_from("203.0.113.10", instances.a)
    sign_in_with_session(reader, "roaming0")

    reader.base_url = instances.b.url
    me = reader.get("/api/v1/auth/user/")
    assert me.status == 200, me.text
    assert me.json()["username"] == "roaming0"
    posted = reader.post(
        f"/api/v1/articles/{instances.slug}/comments/", json_body={"body": "Written on B"}
    )
    assert posted.status == 201, posted.text


def test_a_sign_in_on_the_site_of_one_instance_holds_on_the_other(instances):
    reader = client_from("203.0.113.11", instances.a)
    reader.get("/accounts/login/", headers=HTML)
    signed_in = reader.post(
        "/accounts/login/",
        form={
            "login": "roaming1",
            "password": PASSWORD,
            "csrfmiddlewaretoken": reader.cookies["csrftoken"],
        },
        headers=HTML,
    )
    assert signed_in.status == 302, signed_in.text[:500]

    reader.base_url = instances.b.url
    bookmarks = reader.get("/bookmarks/", headers=HTML)
    assert bookmarks.status == 200, bookmarks.status  # a visitor is sent to sign in
    assert Client(instances.b.url).get("/bookmarks/", headers=HTML).status == 302


def test_a_comment_posted_and_deleted_on_one_instance_shows_on_the_other_at_once(instances):
    before = anonymous_views(instances.b, instances.slug)
    reader = client_from("203.0.113.20", instances.a)
    sign_in_with_session(reader, "roaming1")

    posted = reader.post(
        f"/api/v1/articles/{instances.slug}/comments/",
        json_body={"body": "Seen everywhere at once"},
    )
    assert posted.status == 201, posted.text
    comment_id = posted.json()["id"]
    after_post = anonymous_views(instances.b, instances.slug)
    assert after_post["comment_ids"] == [*before["comment_ids"], comment_id]
    assert after_post["detail"]["comment_count"] == before["detail"]["comment_count"] + 1
    assert "Seen everywhere at once" in after_post["page"].get_text()

    assert reader.request("DELETE", f"/api/v1/comments/{comment_id}/").status == 204
    after_delete = anonymous_views(instances.b, instances.slug)
    assert after_delete["comment_ids"] == before["comment_ids"]
    assert after_delete["detail"]["comment_count"] == before["detail"]["comment_count"]
    assert "Seen everywhere at once" not in after_delete["page"].get_text()


def test_every_write_on_one_instance_is_read_at_once_on_the_other(instances, report_figure):
    """The HTTP cache is exact across servers: no answer from B after a write's answer
    came back from A is older than that write, page or API, for a visitor or another
    signed-in reader, 500 times in a row. The four reads of a round go out together once
    the write has been answered, as several readers' would."""
    slugs = instances.stale_read_slugs
    reader = client_from("203.0.113.21", instances.a)
    sign_in_with_session(reader, "roaming3")
    other_reader = client_from("203.0.113.22", instances.b)
    sign_in_with_session(other_reader, "roaming4")
    comment_counts = dict.fromkeys(slugs, 0)
    stale = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for round_number in range(STALE_READ_ROUNDS):
            slug = slugs[round_number % len(slugs)]
            body = f"Round {round_number} of the stale-read check"
            posted = reader.post(f"/api/v1/articles/{slug}/comments/", json_body={"body": body})
            assert posted.status == 201, posted.text
            comment_counts[slug] += 1
            reads = [
                (Client(instances.b.url), f"/articles/{slug}/", HTML),
                (Client(instances.b.url), f"/api/v1/articles/{slug}/comments/", {}),
                (Client(instances.b.url), f"/api/v1/articles/{slug}/", {}),
                (other_reader, f"/articles/{slug}/", HTML),
            ]
            page, comments, detail, readers_page = pool.map(
                lambda read: read[0].get(read[1], headers=read[2]), reads
            )
            assert (page.status, comments.status, detail.status, readers_page.status) == (200,) * 4
            if body not in page.text:
                stale.append((round_number, "page"))
            if body not in readers_page.text:
                stale.append((round_number, "signed-in page"))
            if comments.json()["results"][-1]["id"] != posted.json()["id"]:
                stale.append((round_number, "comments"))
            if detail.json()["comment_count"] != comment_counts[slug]:
                stale.append((round_number, "detail"))
    report_figure(
        f"scale-out: {len(stale)} stale answers in {STALE_READ_ROUNDS} writes on A, each read "
        "at once on B (page, signed-in page, comments, detail)"
    )
    assert stale == []


def admin_change_form(page):
    """The fields of the admin's change form as the browser would submit them."""
    form = BeautifulSoup(page.body, "html.parser").find("form", id="article_form")
    fields = []
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        kind = field.get("type", "")
        if not name or kind in ("file", "submit", "button"):
            continue
        if field.name == "textarea":
            fields.append((name, field.get_text()))
        elif field.name == "select":
            fields += [
                (name, option["value"]) for option in field.find_all("option", selected=True)
            ]
        elif kind not in ("checkbox", "radio") or field.has_attr("checked"):
            fields.append((name, field.get("value", "on" if kind == "checkbox" else "")))
    return fields


def test_an_article_title_edited_in_admin_on_one_instance_shows_on_the_other(instances):
    before = anonymous_views(instances.b, instances.slug)
    home_before = Client(instances.b.url).get("/", headers=HTML).text
    assert before["detail"]["title"] == "Shared between servers"
    assert "Shared between servers" in home_before

    editor = client_from("203.0.113.30", instances.a)
    editor.get("/admin/login/", headers=HTML)
    signed_in = editor.post(
        "/admin/login/?next=/admin/",
        form={
            "username": "night-editor",
            "password": PASSWORD,
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
        },
        headers=HTML,
    )
    assert signed_in.status == 302, signed_in.text[:500]
    change_url = f"/admin/content/article/{instances.article_id}/change/"
    fields = admin_change_form(editor.get(change_url, headers=HTML))
    assert ("title", "Shared between servers") in fields
    saved = editor.post(
        change_url,
        form=[
            *((name, value) for name, value in fields if name != "title"),
            ("title", "Renamed on server A"),
            ("_save", "Save"),
        ],
        headers=HTML,
    )
    assert saved.status == 302, saved.text[:2000]

    after = anonymous_views(instances.b, instances.slug)
    assert after["detail"]["title"] == "Renamed on server A"
    assert after["page"].find("h1").get_text(strip=True) == "Renamed on server A"
    home_after = Client(instances.b.url).get("/", headers=HTML).text
    assert "Renamed on server A" in home_after
    assert "Shared between servers" not in home_after


def test_sign_in_attempts_are_counted_across_both_instances(instances):
    attacker = "198.51.100.77"
    guesses = [
        client_from(attacker, server)
        for server in [instances.a, instances.b] * AUTH_ATTEMPTS_PER_MINUTE
    ]
    answers = [
        guess.post(
            "/api/v1/auth/login/", json_body={"username": "roaming2", "password": "a guess"}
        ).status
        for guess in guesses[: AUTH_ATTEMPTS_PER_MINUTE + 1]
    ]
    # Alternating, B has seen only half of the attempts when the limit is reached: only
    # a count shared through Redis refuses the attempt after the fifth.
    assert answers == [400] * AUTH_ATTEMPTS_PER_MINUTE + [429]
    assert guesses[-1].post("/api/v1/auth/login/", json_body={}).status == 429


def readyz(server):
    return Client(server.url).get("/readyz").status


def test_readyz_follows_the_database_and_healthz_stays_up(instances):
    # Every worker thread of B holds a persistent connection through the proxy.
    assert [readyz(instances.b) for _ in range(8)] == [200] * 8

    instances.database_proxy.stop()
    try:
        started = time.monotonic()
        assert [readyz(instances.b) for _ in range(8)] == [503] * 8
        assert time.monotonic() - started < 10, "readyz must answer promptly, not hang"
        assert Client(instances.b.url).get("/healthz").status == 200
        assert readyz(instances.a) == 200
    finally:
        instances.database_proxy.start()

    deadline = time.monotonic() + 10
    while readyz(instances.b) != 200:
        assert time.monotonic() < deadline, "/readyz did not recover with the database"
        time.sleep(0.2)
    # No worker thread keeps a broken connection: every request after the return works.
    assert [readyz(instances.b) for _ in range(8)] == [200] * 8
    assert Client(instances.b.url).get(f"/api/v1/articles/{instances.slug}/").status == 200
