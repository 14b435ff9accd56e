"""The reader's own data (content/account_data.py): the export (built by its task,
offered to its reader only, for a limited time, once a day) and the account's deletion,
through the pages with JavaScript off and through the API with the session + CSRF and
with JWT."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from content.account_data import build_export, deletion_token, forget_expired_exports
from content.models import AccountExport, Bookmark, Comment, Like, Session, User
from tests.api.conftest import JsonClient
from tests.factories import (
    ArticleFactory,
    BookmarkFactory,
    CommentFactory,
    LikeFactory,
    UserFactory,
    verified_user,
)
from tests.html import soup
from tests.mailbox import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
AUTH = "/api/v1/auth"
CSRF_SECRET = "a" * 32


@pytest.fixture
def world(db):
    """Two readers who both commented on, liked and bookmarked the same two articles;
    the other reader answered the reader's comment."""
    articles = [ArticleFactory(title="Night ferry"), ArticleFactory(title="Old lighthouse")]
    reader = verified_user(username="reader", display_name="Rosa Reader", bio="Ferries.")
    other = verified_user(username="other", display_name="Otto Other")
    for article in articles:
        for who in (reader, other):
            LikeFactory(user=who, article=article)
            BookmarkFactory(user=who, article=article)
    root = CommentFactory(article=articles[0], author=reader, body="Was it late?")
    reply = CommentFactory(article=articles[0], author=other, body="On time.", parent=root)
    CommentFactory(article=articles[1], author=other, body="Lovely light.")
    return {"articles": articles, "reader": reader, "other": other, "root": root, "reply": reply}


def run_export_task(django_capture_on_commit_callbacks, start):
    """`start()` (a POST that starts an export), then the task it queued, as stored."""
    with django_capture_on_commit_callbacks(execute=True):
        response = start()
    queued = DBTaskResult.objects.get(task_path=build_export.module_path)
    with django_capture_on_commit_callbacks(execute=True):
        build_export.call(*queued.args_kwargs["args"])
    return response


# --- Export ----------------------------------------------------------------------------


def test_an_export_holds_exactly_the_readers_own_data(
    client, world, django_capture_on_commit_callbacks
):
    reader = world["reader"]
    client.force_login(reader)
    started = run_export_task(
        django_capture_on_commit_callbacks, lambda: client.post(reverse("account_export"))
    )
    assert started.status_code == 302

    page = soup(client.get(reverse("account_export")))
    link = page.select_one("a[download]")["href"]
    download = client.get(link)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"].startswith('attachment; filename="gazette-reader-')
    assert "no-store" in download["Cache-Control"]
    data = json.loads(download.content)
    assert data["account"]["username"] == "reader"
    assert data["account"]["display_name"] == "Rosa Reader"
    assert data["account"]["notifications"] == {
        "email_on_reply": True,
        "email_on_article_comment": True,
    }
    assert data["email_addresses"] == [
        {"email": "reader@example.com", "verified": True, "primary": True}
    ]
    assert [comment["body"] for comment in data["comments"]] == ["Was it late?"]
    assert data["comments"][0]["article"] == {
        "title": "Night ferry",
        "url": f"http://testserver{world['articles'][0].get_absolute_url()}",
    }
    for kind in ("likes", "bookmarks"):
        titles = sorted(mark["article"]["title"] for mark in data[kind])
        assert titles == ["Night ferry", "Old lighthouse"]
    everything = download.content.decode()
    assert "other" not in everything.lower()
    assert "On time." not in everything
    (ready,) = [message for message in mail.outbox if "ready" in message.subject]
    assert ready.to == ["reader@example.com"]


def test_an_export_downloads_for_its_reader_only_and_until_it_expires(client, world):
    export = AccountExport.objects.create(
        user=world["reader"],
        data="{}",
        ready_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=settings.ACCOUNT_EXPORT_DAYS),
    )
    url = reverse("account_export_download", args=[export.pk])
    api_url = reverse("api:my-export-download", args=[export.pk])
    client.force_login(world["other"])
    assert client.get(url).status_code == 404
    assert client.get(api_url).status_code == 404

    client.force_login(world["reader"])
    assert client.get(url).status_code == 200
    AccountExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404
    assert client.get(reverse("api:my-export")).json()["state"] == "expired"
    assert "expired" in client.get(reverse("account_export")).content.decode()


def test_an_export_is_emptied_when_it_expires(world, django_capture_on_commit_callbacks):
    old = AccountExport.objects.create(
        user=world["other"], data="{...}", ready_at=timezone.now(), expires_at=timezone.now()
    )
    new = AccountExport.objects.create(user=world["reader"])
    with django_capture_on_commit_callbacks(execute=True):
        build_export.call(new.pk)
    old.refresh_from_db()
    assert old.data == ""  # by the next export built
    new.refresh_from_db()
    forgetting = DBTaskResult.objects.get(task_path=forget_expired_exports.module_path)
    assert forgetting.run_after == new.expires_at  # and by a task at its own expiry


def test_an_export_can_be_started_once_a_day(client, world):
    client.force_login(world["reader"])
    assert client.post(reverse("account_export")).status_code == 302

    again = client.post(reverse("account_export"), follow=True)
    assert "once a day" in again.content.decode()
    refused = client.post(reverse("api:my-export"))
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 23 * 3600
    assert AccountExport.objects.count() == 1


def test_an_export_through_the_api_with_jwt(world, django_capture_on_commit_callbacks):
    api = JsonClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(world['reader']).access_token}"
    )
    assert api.get(reverse("api:my-export")).json()["state"] == "none"

    started = run_export_task(
        django_capture_on_commit_callbacks, lambda: api.post(reverse("api:my-export"))
    )
    assert started.status_code == 202
    assert started.json()["state"] == "building"

    status = api.get(reverse("api:my-export")).json()
    assert status["state"] == "ready"
    download = api.get(status["download_url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert json.loads(download.content)["account"]["username"] == "reader"


# --- Deletion ---------------------------------------------------------------------------


def api_with_session_and_csrf(user):
    client = JsonClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client, {"HTTP_X_CSRFTOKEN": CSRF_SECRET}


def delete_through(face, user, password=PASSWORD):
    """Delete `user`'s account through `face`; the client it was signed in with."""
    if face == "page":
        client = JsonClient()
        client.force_login(user)
        response = client.post(
            reverse("account_delete"), {"password": password}, format="multipart"
        )
        return client, response
    if face == "session":
        client, headers = api_with_session_and_csrf(user)
        return client, client.post(reverse("api:my-delete"), {"password": password}, **headers)
    client = JsonClient()
    access = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client, client.post(reverse("api:my-delete"), {"password": password})


@pytest.mark.parametrize("face", ["page", "session", "jwt"])
def test_a_deleted_account_is_gone_and_its_comments_stay_as_deleted_reader(
    face, world, django_capture_on_commit_callbacks
):
    reader, article = world["reader"], world["articles"][0]
    visitor = JsonClient()
    article_page = article.get_absolute_url()
    assert "Rosa Reader" in visitor.get(article_page).content.decode()  # now cached
    refresh = RefreshToken.for_user(reader)
    # A session as the session engine that knows its reader stores it.
    Session.objects.create(
        session_key="k" * 32,
        session_data="",
        expire_date=timezone.now() + timedelta(days=1),
        user=reader,
    )

    with django_capture_on_commit_callbacks(execute=True):
        client, response = delete_through(face, reader)

    assert response.status_code == (302 if face == "page" else 204)
    gone = User.objects.get(pk=reader.pk)
    assert gone.deleted_at
    assert not gone.is_active
    assert not gone.has_usable_password()
    assert gone.username.startswith("deleted-")
    assert (gone.email, gone.display_name, gone.bio, gone.last_login) == ("", "", "", None)
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not Like.objects.filter(user=gone).exists()
    assert not Bookmark.objects.filter(user=gone).exists()
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert JsonClient().post(f"{AUTH}/token/refresh/", {"refresh": str(refresh)}).status_code == 401
    assert not JsonClient().login(username="reader", password=PASSWORD)
    signed_in = JsonClient().post(f"{AUTH}/login/", {"username": "reader", "password": PASSWORD})
    assert signed_in.status_code == 400
    if face != "jwt":
        assert client.get(reverse("account")).status_code == 302  # signed out
    assert not Session.objects.filter(user=gone).exists()

    page = visitor.get(article_page).content.decode()
    assert "Rosa Reader" not in page
    assert "deleted reader" in page
    assert "Was it late?" in page
    assert "On time." in page
    detail = visitor.get(reverse("api:article-detail", args=[article.slug])).json()
    assert detail["like_count"] == 1
    comments = visitor.get(reverse("api:article-comments", args=[article.slug])).json()
    assert "Rosa Reader" not in json.dumps(comments)
    assert "deleted reader" in json.dumps(comments)
    (goodbye,) = [message for message in mail.outbox if "deleted" in message.subject]
    assert goodbye.to == ["reader@example.com"]


def test_with_comments_removed_the_replies_stay_readable(client, world, settings):
    settings.ACCOUNT_DELETION_COMMENTS = "remove"
    client.force_login(world["reader"])

    client.post(reverse("account_delete"), {"password": PASSWORD})

    assert not Comment.objects.filter(pk=world["root"].pk).exists()
    page = client.get(world["articles"][0].get_absolute_url()).content.decode()
    assert "Was it late?" not in page
    assert "On time." in page


def test_a_wrong_password_deletes_nothing(client, world):
    client.force_login(world["reader"])
    page = client.post(reverse("account_delete"), {"password": "wrong"})
    assert page.status_code == 400
    assert "That is not your password." in page.content.decode()

    api, headers = api_with_session_and_csrf(world["reader"])
    answer = api.post(reverse("api:my-delete"), {"password": "wrong"}, **headers)
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"password": ["That is not your password."]}
    assert User.objects.get(pk=world["reader"].pk).deleted_at is None


def test_without_the_csrf_token_the_session_cannot_delete(world):
    client, _ = api_with_session_and_csrf(world["reader"])
    assert client.post(reverse("api:my-delete"), {"password": PASSWORD}).status_code == 403
    assert User.objects.get(pk=world["reader"].pk).deleted_at is None


@pytest.mark.parametrize("kind", ["staff", "last superuser"])
def test_staff_and_the_last_superuser_cannot_delete_themselves(client, kind):
    flags = {"is_staff": True} if kind == "staff" else {"is_superuser": True}
    user = UserFactory(username="boss", **flags)
    client.force_login(user)

    assert soup(client.get(reverse("account_delete"))).select_one("[role=alert]") is not None
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 403
    api, headers = api_with_session_and_csrf(user)
    refused = api.post(reverse("api:my-delete"), {"password": PASSWORD}, **headers)
    assert refused.status_code == 403
    assert User.objects.get(pk=user.pk).is_active


def test_a_superuser_can_delete_themselves_while_another_remains(client):
    UserFactory(username="root", is_superuser=True)
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=user.pk).deleted_at


def test_an_account_without_a_password_confirms_by_a_mailed_link(client, world):
    reader = world["reader"]
    reader.set_unusable_password()
    reader.save()
    client.force_login(reader)

    assert client.post(reverse("account_delete")).status_code == 302
    link = link_in(mail.outbox[-1]).removeprefix("http://testserver")
    assert User.objects.get(pk=reader.pk).deleted_at is None
    asks = client.get(link)
    assert asks.status_code == 200
    assert User.objects.get(pk=reader.pk).deleted_at is None
    assert soup(asks).select_one(f'form[action="{link}"] button') is not None

    assert client.post(link).status_code == 302
    assert User.objects.get(pk=reader.pk).deleted_at
    assert client.get(reverse("account")).status_code == 302
    assert client.get(link).status_code == 404  # used up

    api = JsonClient()
    other = world["other"]
    other.set_unusable_password()
    other.save()
    api.force_authenticate(other)
    assert api.post(reverse("api:my-delete"), {}).status_code == 202


def test_a_forged_or_expired_deletion_link_does_nothing(client, world, settings):
    assert client.get(reverse("account_delete_confirm", args=["forged"])).status_code == 404
    settings.ACCOUNT_DELETION_LINK_HOURS = 0
    link = reverse("account_delete_confirm", args=[deletion_token(world["reader"])])
    assert client.post(link).status_code == 404
    assert User.objects.get(pk=world["reader"].pk).deleted_at is None
