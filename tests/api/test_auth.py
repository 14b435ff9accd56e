"""Authentication through the REST API: the flows, both modes, JWT, CORS, throttling
and enumeration. The outbox is Django's test mailbox."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.factories import UserFactory, verified_user
from tests.mailbox import link_in

pytestmark = pytest.mark.django_db

AUTH = "/api/v1/auth"
PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "a-new-and-better-passphrase"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_register_verify_sign_in_change_password_sign_out(api):
    response = api.post(
        f"{AUTH}/registration/",
        {
            "username": "newreader",
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 201
    assert response.json() == {"detail": "Verification e-mail sent."}
    link = link_in(mail.outbox[-1])
    assert link.startswith("http://testserver/accounts/verify-email/")

    refused = api.post(f"{AUTH}/login/", {"username": "newreader", "password": PASSWORD})
    assert refused.status_code == 400

    key = link.rstrip("/").rsplit("/", 1)[1]
    assert api.post(f"{AUTH}/registration/verify-email/", {"key": key}).status_code == 200

    signed_in = api.post(f"{AUTH}/login/", {"email": "new@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200
    tokens = signed_in.json()
    assert set(tokens) >= {"access", "refresh", "user"}
    assert tokens["user"]["username"] == "newreader"

    changed = api.post(
        f"{AUTH}/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        **bearer(tokens["access"]),
    )
    assert changed.status_code == 200

    # A changed password ends the tokens issued before it (README "Accounts").
    assert api.get(f"{AUTH}/user/", **bearer(tokens["access"])).status_code == 401
    assert api.post(f"{AUTH}/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    again = api.post(f"{AUTH}/login/", {"username": "newreader", "password": NEW_PASSWORD})
    assert again.status_code == 200
    out = api.post(
        f"{AUTH}/logout/", {"refresh": again.json()["refresh"]}, **bearer(again.json()["access"])
    )
    assert out.status_code == 200


def test_changing_the_password_needs_the_old_one(api):
    user = verified_user()
    access = str(AccessToken.for_user(user))
    response = api.post(
        f"{AUTH}/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        **bearer(access),
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_confirm_then_sign_in_with_the_new_password(api):
    user = verified_user(username="forgetful")

    assert api.post(f"{AUTH}/password/reset/", {"email": user.email}).status_code == 200
    link = link_in(mail.outbox[-1])
    match = re.fullmatch(r"http://testserver/accounts/password/reset/([^/]+)/([^/]+)/", link)
    assert match, link
    uid, token = match.groups()

    confirmed = api.post(
        f"{AUTH}/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert confirmed.status_code == 200
    assert (
        api.post(f"{AUTH}/login/", {"username": "forgetful", "password": PASSWORD}).status_code
        == 400
    )
    assert (
        api.post(f"{AUTH}/login/", {"username": "forgetful", "password": NEW_PASSWORD}).status_code
        == 200
    )


def test_a_reset_link_works_once(api):
    user = verified_user()
    api.post(f"{AUTH}/password/reset/", {"email": user.email})
    uid, token = link_in(mail.outbox[-1]).rstrip("/").rsplit("/", 2)[1:]
    body = {
        "uid": uid,
        "token": token,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    assert api.post(f"{AUTH}/password/reset/confirm/", body).status_code == 200
    assert api.post(f"{AUTH}/password/reset/confirm/", body).status_code == 400


def test_weak_passwords_are_refused_with_field_errors(api):
    response = api.post(
        f"{AUTH}/registration/",
        {
            "username": "weak",
            "email": "weak@example.com",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 400
    assert "password1" in str(response.json())
    assert not EmailAddress.objects.filter(email="weak@example.com").exists()


# --- No user enumeration -----------------------------------------------------------------


def test_sign_up_answers_the_same_for_a_known_e_mail_and_tells_its_owner(api):
    verified_user(email="taken@example.com")
    fresh = api.post(
        f"{AUTH}/registration/",
        {
            "username": "a1",
            "email": "fresh@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    taken = api.post(
        f"{AUTH}/registration/",
        {
            "username": "a2",
            "email": "TAKEN@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert (taken.status_code, taken.json()) == (fresh.status_code, fresh.json())
    assert not UserFactory._meta.model.objects.filter(username="a2").exists()
    assert mail.outbox[-1].to == ["TAKEN@example.com"]
    assert "already" in mail.outbox[-1].body.lower()


def test_password_reset_answers_the_same_for_unknown_addresses(api):
    verified_user(email="known@example.com")
    known = api.post(f"{AUTH}/password/reset/", {"email": "known@example.com"})
    unknown = api.post(f"{AUTH}/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_resend_verification_answers_the_same_for_unknown_addresses(api):
    UserFactory(email="unverified@example.com")
    known = api.post(f"{AUTH}/registration/resend-email/", {"email": "unverified@example.com"})
    unknown = api.post(f"{AUTH}/registration/resend-email/", {"email": "nobody@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


# --- Session mode: cookie + CSRF ------------------------------------------------------------


def browser():
    return Client(enforce_csrf_checks=True)


def csrf_token(client):
    return client.get(f"{AUTH}/csrf/").json()["csrf_token"]


def test_sign_in_with_the_csrf_token_starts_a_fresh_session(client):
    verified_user(username="reader1")
    client = browser()
    token = csrf_token(client)
    anonymous_session = client.session
    anonymous_session["seen"] = True
    anonymous_session.save()
    client.cookies["sessionid"] = anonymous_session.session_key

    response = client.post(
        f"{AUTH}/login/",
        {"username": "reader1", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200
    session_key = response.cookies["sessionid"].value
    assert session_key
    assert session_key != anonymous_session.session_key
    assert client.get(f"{AUTH}/user/").json()["username"] == "reader1"


def test_sign_in_without_the_csrf_token_gives_tokens_but_no_session():
    verified_user(username="reader1")
    client = browser()

    response = client.post(
        f"{AUTH}/login/",
        {"username": "reader1", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert "access" in response.json()
    assert "sessionid" not in response.cookies
    assert client.get(f"{AUTH}/user/").status_code in (401, 403)


def test_an_unsafe_request_with_the_session_but_without_the_token_is_403():
    user = verified_user(display_name="Before")
    client = browser()
    client.force_login(user)

    refused = client.patch(
        f"{AUTH}/user/", {"display_name": "After"}, content_type="application/json"
    )

    assert refused.status_code == 403
    user.refresh_from_db()
    assert user.display_name == "Before"


def test_sign_out_ends_the_session():
    user = verified_user()
    client = browser()
    client.force_login(user)
    token = csrf_token(client)

    response = client.post(
        f"{AUTH}/logout/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert client.get(f"{AUTH}/user/").status_code in (401, 403)


def test_the_csrf_cookie_is_httponly_and_the_token_reaches_pages_through_a_meta_tag():
    user = verified_user()
    client = browser()
    response = client.get(f"{AUTH}/csrf/")
    assert response.cookies["csrftoken"]["httponly"] is True
    client.force_login(user)
    assert b'<meta name="csrf-token" content="' in client.get("/").content


def test_anonymous_pages_carry_no_csrf_token_or_cookie(client):
    response = client.get("/")
    assert b"csrf-token" not in response.content
    assert "csrftoken" not in response.cookies


# --- JWT mode -----------------------------------------------------------------------------


def test_access_tokens_live_at_most_five_minutes():
    token = AccessToken.for_user(UserFactory())
    assert token["exp"] - token["iat"] <= 300


def test_an_expired_access_token_is_rejected(api):
    token = AccessToken.for_user(verified_user())
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert api.get(f"{AUTH}/user/", **bearer(token)).status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_is_then_refused(api):
    refresh = str(RefreshToken.for_user(verified_user()))

    rotated = api.post(f"{AUTH}/token/refresh/", {"refresh": refresh})

    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    assert api.post(f"{AUTH}/token/refresh/", {"refresh": refresh}).status_code == 401
    assert api.get(f"{AUTH}/user/", **bearer(rotated.json()["access"])).status_code == 200


def test_an_inactive_user_gets_no_token_and_cannot_use_or_refresh_one(api):
    user = verified_user(username="gone")
    refresh = RefreshToken.for_user(user)
    user.is_active = False
    user.save()

    assert api.post(f"{AUTH}/login/", {"username": "gone", "password": PASSWORD}).status_code == 400
    assert api.post(f"{AUTH}/token/refresh/", {"refresh": str(refresh)}).status_code == 401
    assert api.get(f"{AUTH}/user/", **bearer(refresh.access_token)).status_code == 401


def test_token_verify_accepts_good_tokens_and_refuses_bad_ones(api):
    good = str(AccessToken.for_user(verified_user()))
    assert api.post(f"{AUTH}/token/verify/", {"token": good}).status_code == 200
    assert api.post(f"{AUTH}/token/verify/", {"token": good[:-3] + "abc"}).status_code == 401


def test_the_user_endpoint_changes_the_profile_but_not_names_addresses_or_flags(api):
    user = verified_user(username="steady", email="steady@example.com")
    access = str(AccessToken.for_user(user))

    response = api.patch(
        f"{AUTH}/user/",
        {
            "display_name": "New Name",
            "username": "hijack",
            "email": "hijack@example.com",
            "is_staff": True,
            "is_superuser": True,
        },
        format="json",
        **bearer(access),
    )

    assert response.status_code == 200
    assert "is_staff" not in response.json()
    user.refresh_from_db()
    assert (user.display_name, user.username, user.email) == (
        "New Name",
        "steady",
        "steady@example.com",
    )
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.parametrize(("field", "value"), [("bio", 0), ("display_name", 5), ("bio", None)])
def test_the_user_endpoint_takes_text_only_as_text(api, field, value):
    user = verified_user(bio="Before", display_name="Before")

    response = api.patch(f"{AUTH}/user/", {field: value}, **bearer(AccessToken.for_user(user)))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    user.refresh_from_db()
    assert (user.bio, user.display_name) == ("Before", "Before")


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("login/", {"username": "reader1", "password": PASSWORD}),
        ("registration/", {"username": "x", "email": "x@example.com", "password1": PASSWORD}),
        ("password/reset/", {"email": "reader1@example.com"}),
        ("logout/", {"refresh": "garbage"}),
    ],
)
@pytest.mark.parametrize("form", ["multipart", "urlencoded"])
def test_the_auth_endpoints_take_json_bodies_only(endpoint, body, form):
    verified_user(username="reader1", email="reader1@example.com")
    client = Client()
    if form == "multipart":
        response = client.post(f"{AUTH}/{endpoint}", body)
    else:
        encoded = "&".join(f"{key}={value}" for key, value in body.items())
        response = client.post(
            f"{AUTH}/{endpoint}", encoded, content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not mail.outbox


# --- Token answers are never stored ---------------------------------------------------------


def assert_never_stored(response):
    """RFC 6749 section 5.1: no cache keeps an answer with tokens; and a cache that keeps
    a refusal keys it on the credentials sent."""
    assert "no-store" in {d.strip() for d in response["Cache-Control"].split(",")}, response
    assert "authorization" in {v.strip().lower() for v in response["Vary"].split(",")}, response


def test_token_answers_are_never_stored_with_jwt_and_with_the_session(api):
    verified_user(username="reader1")
    jwt_sign_in = api.post(f"{AUTH}/login/", {"username": "reader1", "password": PASSWORD})
    refreshed = api.post(f"{AUTH}/token/refresh/", {"refresh": jwt_sign_in.json()["refresh"]})
    client = browser()
    session_sign_in = client.post(
        f"{AUTH}/login/",
        {"username": "reader1", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )

    for response in (jwt_sign_in, refreshed, session_sign_in):
        assert response.status_code == 200
        assert "access" in response.json()
        assert_never_stored(response)
    assert "sessionid" in session_sign_in.cookies


@pytest.mark.parametrize(
    ("endpoint", "body", "status"),
    [
        ("login/", {"username": "reader1", "password": "wrong"}, 400),
        ("token/refresh/", {"refresh": "garbage"}, 401),
        ("token/verify/", {"token": "garbage"}, 401),
        ("logout/", {"refresh": "garbage"}, 401),
        ("password/change/", {"new_password1": "x", "new_password2": "x"}, 401),
    ],
)
def test_auth_errors_are_never_stored(api, endpoint, body, status):
    verified_user(username="reader1")
    response = api.post(f"{AUTH}/{endpoint}", body)

    assert response.status_code == status
    assert_never_stored(response)


def test_a_refused_bearer_token_and_the_throttle_are_never_stored(api):
    verified_user(username="reader1")
    refused = api.get(f"{AUTH}/user/", **bearer("not-a-token"))
    attempts = [
        api.post(f"{AUTH}/login/", {"username": "reader1", "password": "wrong"}) for _ in range(11)
    ]

    assert refused.status_code == 401
    assert attempts[-1].status_code == 429
    for response in (refused, attempts[-1]):
        assert_never_stored(response)


# --- CORS -------------------------------------------------------------------------------


@pytest.fixture
def front_end(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    return "https://app.example"


def test_a_listed_origin_gets_cors_headers_with_credentials(client, front_end):
    response = client.get(f"{AUTH}/csrf/", HTTP_ORIGIN=front_end)
    assert response["Access-Control-Allow-Origin"] == front_end
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_an_unlisted_origin_gets_no_cors_headers(client, front_end):
    response = client.get(f"{AUTH}/csrf/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_from_a_listed_origin_is_answered(client, front_end):
    response = client.options(
        f"{AUTH}/login/",
        HTTP_ORIGIN=front_end,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == front_end
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


def test_error_responses_carry_cors_headers_too(client, front_end):
    response = client.get(f"{AUTH}/user/", HTTP_ORIGIN=front_end)
    assert response.status_code in (401, 403)
    assert response["Access-Control-Allow-Origin"] == front_end


def test_pages_outside_the_api_get_no_cors_headers(client, front_end):
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=front_end)


# --- Throttling ----------------------------------------------------------------------------


def test_the_eleventh_failed_sign_in_in_a_minute_is_429_whatever_x_forwarded_for_says(api):
    verified_user(username="target")
    statuses = [
        api.post(
            f"{AUTH}/login/",
            {"username": f"guess{attempt}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_failed_sign_ins_for_one_account_are_throttled_across_addresses(api):
    verified_user(username="target")
    statuses = [
        api.post(
            f"{AUTH}/login/",
            {"username": "target", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(11)
    ]
    assert statuses == [400] * 10 + [429]
