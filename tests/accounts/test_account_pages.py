"""The account pages, with JavaScript off: every step as a plain form."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from content.models import Session, User
from tests.factories import verified_user
from tests.html import soup
from tests.mailbox import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "a-new-and-better-passphrase"


def sign_up(client, username="newreader", email="new@example.com"):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_verify_sign_in_change_password_sign_out(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "check your inbox"
    link = link_in(mail.outbox[-1])
    assert re.fullmatch(r"http://testserver/accounts/verify-email/[^/]+/", link)

    confirm_page = client.get(link.removeprefix("http://testserver"))
    assert confirm_page.status_code == 200
    assert soup(confirm_page).select_one("form button[type=submit]") is not None
    client.post(link.removeprefix("http://testserver"))
    assert EmailAddress.objects.get(email="new@example.com").verified

    signed_in = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/bookmarks/").status_code == 200

    changed = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert User.objects.get(username="newreader").check_password(NEW_PASSWORD)

    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/bookmarks/").status_code == 302


def test_an_unverified_account_cannot_sign_in(client):
    sign_up(client)
    client.post("/accounts/login/", {"login": "newreader", "password": PASSWORD})
    assert client.get("/bookmarks/").status_code == 302


def test_sign_in_works_with_the_username_too(client):
    verified_user(username="ada")
    client.post("/accounts/login/", {"login": "ada", "password": PASSWORD})
    assert client.get("/bookmarks/").status_code == 200


def test_changing_the_password_needs_the_old_one(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert soup(response).select(".errorlist")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_from_the_e_mailed_link_then_sign_in(client):
    verified_user(username="forgetful", email="forgetful@example.com")

    assert (
        client.post("/accounts/password/reset/", {"email": "forgetful@example.com"}).status_code
        == 302
    )
    link = link_in(mail.outbox[-1])
    assert re.fullmatch(r"http://testserver/accounts/password/reset/[^/]+/[^/]+/", link)

    form_page = client.get(link.removeprefix("http://testserver"), follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    client.post("/accounts/login/", {"login": "forgetful", "password": NEW_PASSWORD})
    assert client.get("/bookmarks/").status_code == 200


def test_a_forged_reset_link_changes_nothing(client):
    user = verified_user()
    response = client.get(f"/accounts/password/reset/{user.pk}/not-a-real-token/", follow=True)
    assert response.status_code == 200
    assert soup(response).find("input", attrs={"name": "password1"}) is None
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_sign_up_with_a_known_e_mail_answers_the_same_and_tells_the_owner(client):
    verified_user(email="taken@example.com")
    fresh = sign_up(client, username="one", email="fresh@example.com")
    taken = sign_up(client, username="two", email="taken@example.com")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert not User.objects.filter(username="two").exists()
    assert "already" in mail.outbox[-1].body.lower()


def test_reset_answers_the_same_for_unknown_addresses(client):
    verified_user(email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "https:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
        "///evil.example",
    ],
)
def test_next_only_redirects_within_the_site(client, target):
    verified_user(username="ada")
    response = client.post(
        "/accounts/login/", {"login": "ada", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert "evil.example" not in location


def test_next_to_a_page_of_the_site_is_followed(client):
    verified_user(username="ada")
    response = client.post(
        "/accounts/login/", {"login": "ada", "password": PASSWORD, "next": "/bookmarks/"}
    )
    assert response["Location"] == "/bookmarks/"


def test_repeated_failed_sign_ins_for_one_account_are_refused(client):
    verified_user(username="target")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target", "password": "wrong"})
    blocked = client.post("/accounts/login/", {"login": "target", "password": PASSWORD})
    assert client.get("/bookmarks/").status_code == 302
    assert "Too many" in blocked.content.decode()


def test_account_pages_are_in_the_site_layout_and_not_indexed(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page = soup(client.get(url))
        assert page.select_one(".site-header") is not None, url
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex", url
        assert page.title.text.split()[-1] == "Gazette", url


def test_an_expired_session_signs_the_reader_out(client):
    client.force_login(verified_user(username="lapsed", email="lapsed@example.com"))
    assert client.get("/bookmarks/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    cache.clear()  # where sessions are cached too (Redis), the database has the last word
    assert client.get("/bookmarks/").status_code == 302  # to the sign-in page


def test_a_deactivated_reader_is_signed_out_on_the_next_request(client):
    reader = verified_user(username="leaving", email="leaving@example.com")
    client.force_login(reader)
    assert client.get("/bookmarks/").status_code == 200
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert client.get("/bookmarks/").status_code == 302


def test_a_password_change_elsewhere_signs_this_session_out(client):
    reader = verified_user(username="moved", email="moved@example.com")
    client.force_login(reader)
    reader.set_password(NEW_PASSWORD)
    reader.save()
    assert client.get("/bookmarks/").status_code == 302


def test_the_account_page_links_every_part_of_the_account(client):
    client.force_login(verified_user())
    page = soup(client.get("/accounts/"))
    assert page.body["data-signed-in-only"] == "/"  # and nothing else came into the tag
    assert not any("<" in name or "<" in value for name, value in page.body.attrs.items())
    links = {a["href"] for a in page.main.find_all("a")}
    for path in ("email/", "password/change/", "sessions/", "export/", "delete/"):
        assert f"/accounts/{path}" in links
