"""Hostile requests, as bytes on the wire would carry them: bodies too large, invalid
UTF-8, NUL bytes, malformed, deeply nested or mistyped JSON, huge query strings, very
long or broken paths. Every one is a 4xx (the API's in its JSON error shape), never a
500, and none leaves anything half-written in the database."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client

from content.models import Bookmark, Comment, Like, User
from tests.factories import ArticleFactory, CommentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_LARGE = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
DEEP = 100_000


@pytest.fixture
def world(db):
    """One published article, its author's comment, and a reader to sign in as."""
    reader = UserFactory(username="reader", display_name="Rea Der", bio="Reads.")
    article = ArticleFactory(slug="harbour")
    comment = CommentFactory(article=article, author=reader, body="First.")
    return {"reader": reader, "article": article, "comment": comment}


def database_state():
    """Everything a hostile request might write, to compare before and after."""
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "body", "is_hidden")),
        list(Like.objects.values_list("pk")),
        list(Bookmark.objects.values_list("pk")),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "display_name", "bio", "password", "is_staff"
            )
        ),
        EmailAddress.objects.count(),
    )


def client_for(world, signed_in):
    # raise_request_exception=False: a 500 comes back as a response, which the tests
    # then name, instead of an exception from inside the view.
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(world["reader"])
    return client


def assert_api_error(response, expected_statuses):
    assert response.status_code in expected_statuses, (
        response.status_code,
        response.content[:300],
    )
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == response.status_code


# (method, path, the field a hostile value goes into, signed in)
API_WRITES = {
    "post a comment": ("POST", "/api/v1/articles/harbour/comments/", "body", True),
    "edit a comment": ("PATCH", "/api/v1/comments/{comment}/", "body", True),
    "edit the profile": ("PATCH", "/api/v1/auth/user/", "display_name", True),
    "sign in": ("POST", "/api/v1/auth/login/", "username", False),
    "sign up": ("POST", "/api/v1/auth/registration/", "username", False),
    "reset a password": ("POST", "/api/v1/auth/password/reset/", "email", False),
    "refresh a token": ("POST", "/api/v1/auth/token/refresh/", "refresh", False),
}
# The API endpoints that read no body: only its size can be wrong.
API_BODILESS_WRITES = {
    "like": ("PUT", "/api/v1/articles/harbour/like/", None, True),
    "bookmark": ("PUT", "/api/v1/articles/harbour/bookmark/", None, True),
    "delete a comment": ("DELETE", "/api/v1/comments/{comment}/", None, True),
}


def hostile_bodies(field):
    """name -> (body bytes, content type, the statuses that are right)."""
    json_field = f'{{"{field}": '.encode()
    return {
        "larger than the limit": (
            json.dumps({field: "x" * TOO_LARGE}).encode(),
            "application/json",
            {413},
        ),
        "invalid UTF-8": (json_field + b'"\xff\xfe\xfd"}', "application/json", {400}),
        "a NUL byte in a field": (json_field + b'"a\\u0000b"}', "application/json", {400}),
        "malformed JSON": (json_field, "application/json", {400}),
        "deeply nested JSON": (b"[" * DEEP + b"]" * DEEP, "application/json", {400}),
        "nested JSON in a field": (
            json_field + b"[" * DEEP + b"]" * DEEP + b"}",
            "application/json",
            {400},
        ),
        "a JSON list instead of an object": (b'["a", "b"]', "application/json", {400}),
        "a JSON string instead of an object": (b'"text"', "application/json", {400}),
        "plain text": (b"body=text", "text/plain", {415}),
        "XML": (b"<body>text</body>", "application/xml", {415}),
        "a form with too many fields": (
            b"&".join(b"f%d=1" % n for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)),
            "application/x-www-form-urlencoded",
            {400, 415},
        ),
    }


API_BODY_CASES = [
    pytest.param(endpoint, body_name, id=f"{endpoint}: {body_name}")
    for endpoint, (_, _, field, _) in API_WRITES.items()
    for body_name in hostile_bodies(field)
]


@pytest.mark.parametrize(("endpoint", "body_name"), API_BODY_CASES)
def test_the_api_refuses_hostile_bodies_with_a_json_4xx_and_writes_nothing(
    world, endpoint, body_name
):
    method, path, field, signed_in = API_WRITES[endpoint]
    body, content_type, statuses = hostile_bodies(field)[body_name]
    client = client_for(world, signed_in)
    before = database_state()
    response = client.generic(
        method, path.format(comment=world["comment"].pk), body, content_type=content_type
    )
    assert_api_error(response, statuses)
    assert database_state() == before


@pytest.mark.parametrize("endpoint", API_BODILESS_WRITES)
def test_endpoints_that_read_no_body_still_refuse_one_beyond_the_limit(world, endpoint):
    method, path, _, signed_in = API_BODILESS_WRITES[endpoint]
    client = client_for(world, signed_in)
    before = database_state()
    response = client.generic(
        method,
        path.format(comment=world["comment"].pk),
        b"x" * TOO_LARGE,
        content_type="application/json",
    )
    assert_api_error(response, {413})
    assert database_state() == before


# Query strings and paths: (path, the statuses that are right).
API_READS = {
    "a NUL in the author": ("/api/v1/articles/?author=%00", {400}),
    "a NUL in the tag": ("/api/v1/articles/?tag=a%00b", {400}),
    "a NUL in the search": ("/api/v1/articles/?search=%00", {400}),
    "a NUL in the cursor": ("/api/v1/articles/?cursor=%00", {400}),
    "a NUL in the ordering": ("/api/v1/articles/?ordering=%00", {400}),
    "a NUL in after": ("/api/v1/articles/harbour/comments/?after=%00", {400}),
    "invalid UTF-8 in the author": ("/api/v1/articles/?author=%FF%FE", {200}),
    "invalid UTF-8 in the cursor": ("/api/v1/articles/?cursor=%FF%FE", {400}),
    "a 100 kB search": ("/api/v1/articles/?search=" + "a" * 100_000, {200}),
    "a 100 kB cursor": ("/api/v1/articles/?cursor=" + "a" * 100_000, {400}),
    "a 100 kB author": ("/api/v1/articles/?author=" + "a" * 100_000, {400}),
    "too many parameters": (
        "/api/v1/articles/?" + "&".join(f"p{n}=1" for n in range(2000)),
        {400},
    ),
    "a NUL in the path": ("/api/v1/articles/a%00b/", {404}),
    "invalid UTF-8 in the path": ("/api/v1/articles/%FF%FE/", {404}),
    "a NUL in an author's path": ("/api/v1/authors/a%00b/", {404}),
    "a 10,000 character slug": ("/api/v1/articles/" + "a" * 10_000 + "/", {404}),
    "a 10,000 character tag": ("/api/v1/tags/" + "a" * 10_000 + "/", {404}),
    "a 10,000 character username": ("/api/v1/authors/" + "a" * 10_000 + "/", {404}),
    "a comment id beyond any integer": ("/api/v1/comments/" + "9" * 100 + "/", {404}),
}


@pytest.mark.parametrize("case", API_READS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_hostile_query_strings_and_paths_are_json_answers_never_500s(world, case, signed_in):
    path, statuses = API_READS[case]
    response = client_for(world, signed_in).get(path)
    if statuses == {200}:
        assert response.status_code == 200, response.content[:300]
    else:
        assert_api_error(response, statuses)


PAGE_READS = {
    "a NUL in the search": ("/search/?q=%00", {200}),
    "invalid UTF-8 in the search": ("/search/?q=%FF%FE", {200}),
    "a 100 kB search": ("/search/?q=" + "a" * 100_000, {200}),
    "too many parameters": ("/search/?" + "&".join(f"p{n}=1" for n in range(2000)), {400}),
    "a NUL page number": ("/articles/?page=%00", {404}),
    "a huge page number": ("/articles/?page=" + "9" * 1000, {404}),
    "an unknown parameter": ("/articles/?%00=%FF", {200}),
    "a NUL in an article's path": ("/articles/a%00b/", {404}),
    "invalid UTF-8 in an article's path": ("/articles/%FF%FE/", {404}),
    "a NUL in an author's path": ("/authors/a%00b/", {404}),
    "invalid UTF-8 in an author's path": ("/authors/%FF/", {404}),
    "a NUL in a tag's path": ("/tags/a%00b/", {404}),
    "a NUL in a tag feed's path": ("/tags/a%00b/feed/", {404}),
    "a 10,000 character slug": ("/articles/" + "a" * 10_000 + "/", {404}),
    "a 10,000 character tag": ("/tags/" + "a" * 10_000 + "/", {404}),
    "a 10,000 character username": ("/authors/" + "a" * 10_000 + "/", {404}),
    "a NUL in a sitemap section": ("/sitemap-a%00b.xml", {404}),
    "a NUL in a sitemap page": ("/sitemap-articles.xml?p=%00", {404}),
    "a NUL in next": ("/accounts/login/?next=%00", {200}),
    "a NUL in an e-mail key": ("/accounts/verify-email/a%00b/", {200, 404}),
    "a NUL in a reset link": ("/accounts/password/reset/a%00/b%00/", {404, 200}),
}


@pytest.mark.parametrize("case", PAGE_READS)
def test_hostile_query_strings_and_paths_on_pages_are_never_500s(world, case):
    path, statuses = PAGE_READS[case]
    response = client_for(world, signed_in=False).get(path)
    assert response.status_code in statuses, (response.status_code, response.content[:300])


# The plain forms, signed in: (path, fields of a valid submission).
PAGE_FORMS = {
    "post a comment": ("/articles/harbour/comments/", {"body": "Hello."}),
    "edit a comment": ("/comments/{comment}/edit/", {"body": "Hello."}),
}


def form_bodies(fields):
    """name -> (body bytes, content type)."""
    name = next(iter(fields))
    return {
        "larger than the limit": (f"{name}=".encode() + b"x" * TOO_LARGE, "form"),
        "a NUL byte in a field": (f"{name}=a%00b".encode(), "form"),
        "too many fields": (
            b"&".join(b"f%d=1" % n for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)),
            "form",
        ),
        "JSON instead of a form": (json.dumps(fields).encode(), "application/json"),
        "a multipart body without its boundary": (b"--x\r\n", "multipart/form-data"),
    }


PAGE_FORM_CASES = [
    pytest.param(form, body_name, id=f"{form}: {body_name}")
    for form, (_, fields) in PAGE_FORMS.items()
    for body_name in form_bodies(fields)
]


@pytest.mark.parametrize(("form", "body_name"), PAGE_FORM_CASES)
def test_the_comment_forms_refuse_hostile_bodies_with_a_400_and_write_nothing(
    world, form, body_name
):
    path, fields = PAGE_FORMS[form]
    body, content_type = form_bodies(fields)[body_name]
    if content_type == "form":
        content_type = "application/x-www-form-urlencoded"
    client = client_for(world, signed_in=True)
    before = database_state()
    response = client.generic(
        "POST", path.format(comment=world["comment"].pk), body, content_type=content_type
    )
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert database_state() == before


@pytest.mark.parametrize("form", ["like", "bookmark"])
@pytest.mark.parametrize(
    "body",
    [b"state=" + b"x" * TOO_LARGE, b"&".join(b"f%d=1" % n for n in range(2000))],
    ids=["larger than the limit", "too many fields"],
)
def test_like_and_bookmark_forms_refuse_hostile_bodies_and_write_nothing(world, form, body):
    client = client_for(world, signed_in=True)
    before = database_state()
    response = client.generic(
        "POST",
        f"/articles/harbour/{form}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert database_state() == before


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/accounts/login/", {"login": "reader\x00", "password": "x\x00"}),
        (
            "/accounts/signup/",
            {
                "username": "new\x00reader",
                "email": "new@example.com",
                "password1": "a-long-enough-pass\x00",
                "password2": "a-long-enough-pass\x00",
            },
        ),
        ("/accounts/password/reset/", {"email": "reader\x00@example.com"}),
    ],
    ids=["sign in", "sign up", "reset"],
)
def test_account_forms_with_nul_bytes_are_refused_and_write_nothing(world, path, fields):
    client = client_for(world, signed_in=False)
    before = database_state()
    response = client.post(path, fields)
    # allauth shows an invalid form again (200) with the reasons.
    assert response.status_code in {200, 400}, response.status_code
    assert database_state() == before


# The admin's lists, for staff: filters and searches with a NUL, which PostgreSQL cannot
# store or compare, are refused as bad requests (project/admin.py).
ADMIN_READS = {
    "a NUL in a filter": "/admin/content/article/?status__exact=%00",
    "a NUL in a search": "/admin/content/article/?q=a%00b",
    "a NUL in a user search": "/admin/content/user/?q=%00",
    "a NUL in a parameter's name": "/admin/content/comment/?%00=1",
}


@pytest.mark.parametrize("case", ADMIN_READS)
def test_hostile_admin_queries_are_refused_never_500s(world, case):
    client = Client(raise_request_exception=False)
    client.force_login(StaffFactory(is_superuser=True))

    response = client.get(ADMIN_READS[case])

    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert b"NUL" in response.content
    plain = client.get(ADMIN_READS[case].split("?")[0])
    assert plain.status_code == 200
    assert b"Gazette administration" in plain.content  # the site is ours, with its titles
