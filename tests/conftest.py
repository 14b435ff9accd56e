import os
import urllib.parse

import pytest

from tests.factories import StaffFactory, UserFactory

REDIS_DATABASES = 16


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs two workers), each worker gets a Redis
    database of its own, as pytest-django gives it a database of its own: a test empties
    the cache, and must not empty the other worker's in the middle of its test.
    Worker N uses the configured database number minus N."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = settings.CACHES["default"]
    if not worker or not cache["BACKEND"].endswith("RedisCache"):
        return
    url = urllib.parse.urlsplit(cache["LOCATION"])
    number = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    cache["LOCATION"] = url._replace(path=f"/{number % REDIS_DATABASES}").geturl()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (the browser tests, on pytest-django's live server) run last.

    pytest-django orders them so, but pytest then regroups tests by session-scoped
    parameters (pytest-playwright's `browser_name`), which can move them in between. A
    transactional test ends by emptying every table, the roles made by a migration too,
    so the tests after it would find no roles.
    """
    items.sort(key=_is_transactional)


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        fixtures & {"live_server", "transactional_db"}
    )


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The production storage needs `collectstatic`'s manifest; tests render templates
    # without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    from content import pushed_versions

    # The versions pushed to this process go with its caches: a transactional test's
    # flush empties the table behind the listener's back.
    pushed_versions.forget_all()
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, and no listener of pushed versions left on it when it is
    dropped (PostgreSQL refuses to drop a database someone is connected to)."""
    from content import pushed_versions

    yield
    pushed_versions.stop()


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
