"""The reader's public profile and e-mail address, from the account pages (JavaScript
off) and the API (session + CSRF): a new address is used only once verified, the old
one is told, and a taken address answers as a free one."""

import json

import pytest
from django.core import mail
from django.test import Client

from content.models import User
from tests.accounts.test_sessions import PASSWORD, api, browser, csrf, post
from tests.factories import ArticleFactory, verified_user
from tests.mailbox import link_in

pytestmark = pytest.mark.django_db


def start_change(client, face, email):
    if face == "page":
        return post(client, "/accounts/email/", {"action_add": "", "email": email})
    return api(client, "post", "me/email/", {"email": email})


def signs_in(login):
    response = Client().post("/accounts/login/", {"login": login, "password": PASSWORD})
    return response.status_code == 302


@pytest.mark.parametrize("face", ["page", "api"])
def test_a_new_address_is_used_once_verified_and_the_old_one_is_told(face):
    reader = verified_user(username="mover", email="old@example.com")
    client = browser(reader)
    response = start_change(client, face, "new@example.com")
    assert response.status_code == (302 if face == "page" else 202)
    reader.refresh_from_db()
    assert reader.email == "old@example.com"
    assert not signs_in("new@example.com")
    verification = mail.outbox[-1]
    assert verification.to == ["new@example.com"]

    link = link_in(verification).removeprefix("http://testserver")
    assert post(client, link, {}).status_code == 302
    reader.refresh_from_db()
    assert reader.email == "new@example.com"
    assert signs_in("new@example.com")
    assert not signs_in("old@example.com")
    (notice,) = [message for message in mail.outbox if message.to == ["old@example.com"]]
    assert "new@example.com" in notice.body
    if face == "api":
        listed = api(client, "get", "me/email/").json()
        assert listed == [{"email": "new@example.com", "verified": True, "primary": True}]


@pytest.mark.parametrize("face", ["page", "api"])
def test_a_taken_address_answers_exactly_as_a_free_one(face):
    verified_user(username="owner", email="taken@example.com")
    answers = []
    for email in ["taken@example.com", "free@example.com"]:
        reader = verified_user(email=f"before-{email}")
        response = start_change(browser(reader), face, email)
        body = response.content.decode().replace(email, "ADDRESS")
        answers.append((response.status_code, response.get("Location"), body))
        reader.refresh_from_db()
        assert reader.email == f"before-{email}"
    assert answers[0] == answers[1]
    assert User.objects.get(username="owner").email == "taken@example.com"


@pytest.mark.parametrize("body", [{"email": "not an address"}, {}, None, []])
def test_a_bad_address_or_body_is_a_field_error(body):
    client = browser(verified_user())
    response = client.post(
        "/api/v1/me/email/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": csrf(client)},
    )
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_profile_change_shows_at_once_on_a_cached_page():
    reader = verified_user(username="writer", display_name="Old Name")
    ArticleFactory(author=reader)
    assert "Old Name" in Client().get("/authors/writer/").text  # now cached
    client = browser(reader)
    response = post(client, "/accounts/", {"profile": "1", "display_name": "New Name", "bio": ""})
    assert response.status_code == 302
    page = Client().get("/authors/writer/").text
    assert "New Name" in page
    assert "Old Name" not in page
