"""Where a reader is signed in (content/sessions.py): listed and ended from the account
page (JavaScript off) and the API (session + CSRF, and JWT); a changed password ends
every other session and every refresh token."""

import json

import pytest
from django.core import mail
from django.test import Client

from content.models import Session
from tests.factories import verified_user
from tests.mailbox import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "a-new-and-better-passphrase"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def csrf(client):
    return client.cookies["csrftoken"].value


def browser(user, user_agent=FIREFOX):
    """A browser that checks CSRF like a real one, signed in through the sign-in page."""
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=user_agent)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"login": user.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(client)},
    )
    assert response.status_code == 302
    return client


def post(client, path, data):
    return client.post(path, {**data, "csrfmiddlewaretoken": csrf(client)})


def api(client, method, path, data=None, **headers):
    """An API call with the session and the CSRF header the site's script sends."""
    headers = {"X-CSRFToken": csrf(client), **headers}
    if method == "get":
        return client.get(f"/api/v1/{path}", headers=headers)
    body = json.dumps(data or {})
    return getattr(client, method)(
        f"/api/v1/{path}", body, content_type="application/json", headers=headers
    )


def jwt_sign_in(user):
    client = Client()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access']}"}


def refreshes(tokens):
    response = Client().post(
        "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, "application/json"
    )
    return response.status_code == 200


def signed_in(client):
    return client.get("/accounts/").status_code == 200


def test_sessions_are_listed_with_their_browser_and_one_ends_another():
    reader = verified_user()
    firefox, chrome = browser(reader, FIREFOX), browser(reader, CHROME)
    tokens = jwt_sign_in(reader)

    page = firefox.get("/accounts/sessions/")
    assert page.status_code == 200
    assert "Firefox on Linux <strong>(this browser)</strong>" in page.text
    assert "Chrome on Windows" in page.text
    listed = api(firefox, "get", "me/sessions/").json()
    sessions = [place for place in listed if place["kind"] == "session"]
    assert sorted(place["browser"] for place in sessions if place["current"]) == [
        "Firefox on Linux"
    ]
    assert all(place["created"] and place["last_used"] for place in sessions)
    assert [place["kind"] for place in listed].count("refresh_token") == 1

    (chrome_id,) = [place["id"] for place in sessions if place["browser"] == "Chrome on Windows"]
    assert post(firefox, "/accounts/sessions/", {"end": chrome_id}).status_code == 302
    assert not signed_in(chrome)
    assert signed_in(firefox)

    (token_id,) = [place["id"] for place in listed if place["kind"] == "refresh_token"]
    assert api(firefox, "delete", f"me/sessions/{token_id}/").status_code == 204
    assert not refreshes(tokens)


def test_another_readers_session_is_not_found():
    reader, other = verified_user(), verified_user()
    theirs = browser(other)
    mine = browser(reader)
    (their_id,) = [place["id"] for place in api(theirs, "get", "me/sessions/").json()]
    assert api(mine, "delete", f"me/sessions/{their_id}/").status_code == 404
    assert post(mine, "/accounts/sessions/", {"end": their_id}).status_code == 302
    assert signed_in(theirs)


def test_sign_out_everywhere_with_a_jwt_ends_every_session_and_refresh_token():
    reader = verified_user()
    firefox = browser(reader)
    tokens, other_tokens = jwt_sign_in(reader), jwt_sign_in(reader)
    response = Client().delete("/api/v1/me/sessions/", headers=bearer(tokens))
    assert response.status_code == 204
    assert not signed_in(firefox)
    assert not refreshes(tokens)
    assert not refreshes(other_tokens)
    assert not Session.objects.filter(user=reader).exists()


def test_sign_out_everywhere_else_from_the_page_keeps_this_browser():
    reader = verified_user()
    firefox, chrome = browser(reader, FIREFOX), browser(reader, CHROME)
    tokens = jwt_sign_in(reader)
    assert post(firefox, "/accounts/sessions/", {"end": "others"}).status_code == 302
    assert signed_in(firefox)
    assert not signed_in(chrome)
    assert not refreshes(tokens)


@pytest.mark.parametrize("face", ["page", "api"])
def test_a_password_change_ends_the_other_sessions_and_every_refresh_token(face):
    reader = verified_user()
    firefox, chrome = browser(reader, FIREFOX), browser(reader, CHROME)
    tokens = jwt_sign_in(reader)
    if face == "page":
        response = post(
            firefox,
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
    else:
        response = api(
            firefox,
            "post",
            "auth/password/change/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 200
    assert signed_in(firefox)
    assert not signed_in(chrome)
    assert not refreshes(tokens)
    # The access token carries the old password's hash (CHECK_REVOKE_TOKEN).
    assert Client().get("/api/v1/auth/user/", headers=bearer(tokens)).status_code == 401
    assert Session.objects.filter(user=reader).count() == 1


def test_a_password_reset_ends_every_session_and_refresh_token():
    reader = verified_user()
    firefox = browser(reader)
    tokens = jwt_sign_in(reader)
    stranger = Client()  # the reset happens signed out
    stranger.post("/accounts/password/reset/", {"email": reader.email})
    link = link_in(mail.outbox[-1]).removeprefix("http://testserver")
    form_url = stranger.get(link, follow=True).redirect_chain[-1][0]
    done = stranger.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert not signed_in(firefox)
    assert not refreshes(tokens)
    assert not Session.objects.filter(user=reader).exists()
