import pytest
from rest_framework.test import APIClient


class JsonClient(APIClient):
    """Sends request bodies as JSON, the only format the API takes."""

    default_format = "json"


@pytest.fixture
def api():
    """An anonymous API client. CSRF is not checked here (Django's test client skips
    it); tests/api/test_csrf.py checks it with a client that does."""
    return JsonClient()


@pytest.fixture
def sign_in(db):
    """`sign_in(user)`: an API client with `user`'s session."""

    def signed_in(user):
        client = JsonClient()
        client.force_login(user)
        return client

    return signed_in
