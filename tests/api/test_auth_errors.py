"""The auth endpoints answer refusals in the API's one error shape, never with a 500."""

import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.urls import reverse
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTH = "/api/v1/auth"
SHAPE = {"status", "code", "message", "errors"}


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == SHAPE
    assert body["status"] == status
    return body


def test_a_wrong_password_is_a_400_in_the_error_shape(api):
    UserFactory(username="ada")
    body = error(api.post(f"{AUTH}/login/", {"username": "ada", "password": "wrong"}), 400)

    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["non_field_errors"]


def test_a_bad_bearer_token_is_a_401_even_on_a_public_read(api):
    response = api.get(reverse("api:article-list"), HTTP_AUTHORIZATION="Bearer not-a-token")

    body = error(response, 401)
    assert body["code"] == "token_not_valid"
    assert body["message"] == "Given token not valid for any token type"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", ["token/verify/", "token/refresh/"])
def test_a_bad_token_in_the_body_is_a_401_with_a_plain_message(api, endpoint):
    field = "token" if endpoint == "token/verify/" else "refresh"
    body = error(api.post(f"{AUTH}/{endpoint}", {field: "garbage"}), 401)

    assert body["code"] == "token_not_valid"
    assert body["message"] == "Token is invalid"


@pytest.mark.parametrize("refresh", [12345, ["a", "list"], {"an": "object"}, True])
def test_signing_out_with_a_refresh_token_that_is_not_text_is_a_400_not_a_500(api, refresh):
    body = error(api.post(f"{AUTH}/logout/", {"refresh": refresh}, format="json"), 400)

    assert list(body["errors"]) == ["refresh"]


@pytest.mark.parametrize("body", ["[1]", '"text"', "1", "null", '{"refresh": ""}'])
def test_a_sign_out_body_that_is_not_an_object_with_a_token_is_a_400_that_keeps_the_session(
    sign_in, body
):
    client = sign_in(UserFactory())

    error(client.post(f"{AUTH}/logout/", body, content_type="application/json"), 400)

    assert client.get(f"{AUTH}/user/").status_code == 200


def test_signing_out_is_post_only_and_allow_says_so(api):
    body = error(api.get(f"{AUTH}/logout/"), 405)

    assert body["code"] == "method_not_allowed"
    assert api.get(f"{AUTH}/logout/")["Allow"] == "POST, OPTIONS"
    assert api.options(f"{AUTH}/logout/")["Allow"] == "POST, OPTIONS"


def test_signing_out_with_a_malformed_refresh_token_is_a_401(api):
    body = error(api.post(f"{AUTH}/logout/", {"refresh": "garbage"}, format="json"), 401)
    assert body["code"] == "token_not_valid"


def test_signing_out_with_a_good_refresh_token_blacklists_it(api):
    refresh = str(RefreshToken.for_user(UserFactory()))

    assert api.post(f"{AUTH}/logout/", {"refresh": refresh}).status_code == 200
    assert api.post(f"{AUTH}/token/refresh/", {"refresh": refresh}).status_code == 401


def test_an_unknown_verification_key_is_a_400_naming_the_key(api):
    body = error(api.post(f"{AUTH}/registration/verify-email/", {"key": "nonsense"}), 400)
    assert body["errors"] == {"key": ["Invalid or expired key."]}


def test_any_account_name_is_throttled_with_a_plain_cache_key(api):
    name = "\x07odd\u2603name" * 200
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        statuses = [
            api.post(
                f"{AUTH}/login/",
                {"username": name, "password": "wrong"},
                REMOTE_ADDR=f"198.51.100.{attempt}",
            ).status_code
            for attempt in range(11)
        ]
    assert statuses == [400] * 10 + [429]
