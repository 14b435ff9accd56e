import pytest

from tests.factories import StaffFactory, UserFactory


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
    from django.core.cache import cache

    cache.clear()
    yield
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
