import functools
import os
import shutil
import socket
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from django.test import override_settings

from bench.server import ServerError, free_port, manage, production_env
from tests.factories import ArticleFactory, CommentFactory, StaffFactory, TagFactory, UserFactory
from tests.smtp import SMTPServer

REDIS_DATABASES = 16


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs two workers), each worker gets a shared
    cache of its own, as pytest-django gives it a database of its own: a test empties
    the cache, and must not empty the other worker's in the middle of its test. With
    Redis, worker N uses the configured database number minus N; without, a folder."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = settings.CACHES["default"]
    if cache["BACKEND"] == "diskcache.DjangoCache":
        # Beside the database file in settings; the test database is elsewhere (in
        # memory), and this run must not count in the development site's folder.
        cache["LOCATION"] = tempfile.mkdtemp(prefix=f"gazette-test-cache-{worker}")
        config.add_cleanup(functools.partial(shutil.rmtree, cache["LOCATION"], True))
        return
    if not worker or not cache["BACKEND"].endswith("RedisCache"):
        return
    url = urllib.parse.urlsplit(cache["LOCATION"])
    number = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    cache["LOCATION"] = url._replace(path=f"/{number % REDIS_DATABASES}").geturl()


def pytest_addoption(parser):
    parser.addoption(
        "--database-and-cache-tests-only",
        action="store_true",
        help="only the tests that use the database or the cache (make test's PostgreSQL run)",
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests (the browser tests, on pytest-django's live server) run last.

    pytest-django orders them so, but pytest then regroups tests by session-scoped
    parameters (pytest-playwright's `browser_name`), which can move them in between. A
    transactional test ends by emptying every table (post_migrate then makes the
    permissions and roles again), which the others should not have to think about.
    """
    items.sort(key=_is_transactional)
    if config.getoption("database_and_cache_tests_only"):
        # pytest-django refuses the database to a test that does not ask for it, and only
        # requests through the site's middleware reach the cache, so the other tests
        # (pure functions, settings, static files, servers on their own database) answer
        # the same in every run: the SQLite run has run them. So do the tests that drive
        # the browser: they check the pages and their JavaScript, which no back end
        # changes (what does, search, is tested in process), and they are a third of a run.
        elsewhere = [item for item in items if not _differs_by_database_or_cache(item)]
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if _differs_by_database_or_cache(item)]


def _differs_by_database_or_cache(item):
    fixtures = set(getattr(item, "fixturenames", ()))
    if "page" in fixtures or item.get_closest_marker("same_on_every_backend"):
        return False
    return bool(item.get_closest_marker("django_db")) or bool(
        fixtures & {"db", "transactional_db", "live_server", "client", "rf"}
    )


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        fixtures & {"live_server", "transactional_db"}
    )


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, with Nagle's algorithm off as gunicorn has it. Django's
    test server sends an answer's headers and its body in two writes, and the body then
    waited for the client's delayed acknowledgement: 40 ms per request on Linux (48 ms a
    /healthz, 3 ms without), paid by every page, script and API call of the browser tests
    and the fuzzer. Connections accepted from now on inherit the option."""
    listener = live_server.thread.httpd.socket
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return live_server


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files as production serves them (hashed names, the manifest), for the
    tests that start gunicorn. `make test` collects them once for all its runs into
    COLLECTED_STATIC_ROOT (each `collectstatic` compresses every file again, 12 s);
    a run started otherwise collects its own. Read-only: tests share it."""
    root = Path(os.environ.get("COLLECTED_STATIC_ROOT", "none"))
    if (root / "staticfiles.json").exists():
        return root
    root = tmp_path_factory.mktemp("static")
    env = production_env(tmp_path_factory.mktemp("collectstatic"), free_port(), STATIC_ROOT=root)
    try:
        manage("collectstatic", "--noinput", env=env)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    return root


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The production storage needs `collectstatic`'s manifest; tests render templates
    # without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Production hashing is deliberately slow; tests make many users. Session-wide, so
    # that module fixtures (the hostile corpus site's hundreds of users) get it too.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def other_reader(db):
    return UserFactory(username="other")


@pytest.fixture
def author(db):
    """A staff writer in the Authors role."""
    return StaffFactory(username="author", role="Authors")


@pytest.fixture
def other_author(db):
    return StaffFactory(username="other-author", role="Authors")


@pytest.fixture
def editor(db):
    """A staff member in the Editors role: every article, publishing, moderation."""
    return StaffFactory(username="editor", role="Editors")


@pytest.fixture
def site(db):
    """One author with two published articles in one tag, and a comment."""
    writer = UserFactory(username="writer", first_name="Ada", last_name="Byron")
    harbour = TagFactory(name="Harbour")
    older = ArticleFactory(author=writer, tags=[harbour], title="Old lighthouse")
    article = ArticleFactory(author=writer, tags=[harbour], title="Night ferry")
    CommentFactory(article=article, body="First crossing")
    older.refresh_from_db()
    article.refresh_from_db()
    return {"writer": writer, "tag": harbour, "article": article, "older": older}


@pytest.fixture
def public_urls(site):
    """Every public page and API read of `site`: what a visitor can be served cached."""
    from django.urls import reverse

    slug = site["article"].slug
    return [
        "/",
        reverse("pages:article-list"),
        site["article"].get_absolute_url(),
        reverse("pages:tag-detail", args=["harbour"]),
        reverse("pages:author-detail", args=["writer"]),
        reverse("pages:search") + "?q=ferry",
        reverse("pages:feed-rss"),
        reverse("pages:feed-atom"),
        reverse("pages:tag-feed", args=["harbour"]),
        "/sitemap.xml",
        "/sitemap-articles.xml",
        reverse("api:article-list"),
        reverse("api:article-detail", args=[slug]),
        reverse("api:article-comments", args=[slug]),
        reverse("api:tag-list"),
        reverse("api:author-detail", args=["writer"]),
    ]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port, collecting what it receives (tests/smtp.py):
    `.url`, `.messages`, `.wait_for(count)`, `.slow(seconds)`, `.stall()`, `.stop()`,
    `.start()`."""
    with SMTPServer() as server:
        yield server
