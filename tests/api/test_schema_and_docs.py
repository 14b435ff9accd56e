"""The OpenAPI schema, the interactive docs, and the browsable API."""

import re

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SAFE = {"get", "head", "options"}


@pytest.fixture
def schema(api):
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


CONTENT_OPERATIONS = {
    ("/api/v1/articles/", "get"),
    ("/api/v1/articles/{slug}/", "get"),
    ("/api/v1/articles/{slug}/comments/", "get"),
    ("/api/v1/articles/{slug}/comments/", "post"),
    ("/api/v1/articles/{slug}/like/", "put"),
    ("/api/v1/articles/{slug}/like/", "delete"),
    ("/api/v1/articles/{slug}/bookmark/", "put"),
    ("/api/v1/articles/{slug}/bookmark/", "delete"),
    ("/api/v1/comments/{id}/", "get"),
    ("/api/v1/comments/{id}/", "patch"),
    ("/api/v1/comments/{id}/", "delete"),
    ("/api/v1/tags/", "get"),
    ("/api/v1/tags/{slug}/", "get"),
    ("/api/v1/authors/", "get"),
    ("/api/v1/authors/{username}/", "get"),
    ("/api/v1/me/bookmarks/", "get"),
    ("/api/v1/articles/{slug}/revisions/", "get"),
    ("/api/v1/articles/{slug}/revisions/{id}/restore/", "post"),
    ("/api/v1/articles/", "post"),
    ("/api/v1/articles/{slug}/", "patch"),
    ("/api/v1/articles/{slug}/", "delete"),
    ("/api/v1/articles/{slug}/publish/", "post"),
    ("/api/v1/articles/{slug}/unpublish/", "post"),
    ("/api/v1/comments/{id}/report/", "post"),
}
# The admin change form's editing aids (api/newsroom.py): staff only.
STAFF_OPERATIONS = {
    ("/api/v1/preview/", "post"),
    ("/api/v1/articles/{slug}/autosave/", "get"),
    ("/api/v1/articles/{slug}/autosave/", "put"),
    ("/api/v1/articles/{slug}/autosave/", "delete"),
    ("/api/v1/articles/{slug}/presence/", "post"),
    ("/api/v1/articles/{slug}/presence/", "delete"),
}
AUTH_OPERATIONS = {
    ("/api/v1/auth/csrf/", "get"),
    ("/api/v1/auth/login/", "post"),
    ("/api/v1/auth/logout/", "post"),
    ("/api/v1/auth/user/", "get"),
    ("/api/v1/auth/user/", "put"),
    ("/api/v1/auth/user/", "patch"),
    ("/api/v1/auth/password/change/", "post"),
    ("/api/v1/auth/password/reset/", "post"),
    ("/api/v1/auth/password/reset/confirm/", "post"),
    ("/api/v1/auth/registration/", "post"),
    ("/api/v1/auth/registration/verify-email/", "post"),
    ("/api/v1/auth/registration/resend-email/", "post"),
    ("/api/v1/auth/token/refresh/", "post"),
    ("/api/v1/auth/token/verify/", "post"),
}
# The reader's own account (README "Accounts and authentication"): signed in only.
ACCOUNT_OPERATIONS = {
    ("/api/v1/me/export/", "get"),
    ("/api/v1/me/export/", "post"),
    ("/api/v1/me/export/{id}/download/", "get"),
    ("/api/v1/me/delete/", "post"),
    ("/api/v1/me/email/", "get"),
    ("/api/v1/me/email/", "post"),
    ("/api/v1/me/sessions/", "get"),
    ("/api/v1/me/sessions/", "delete"),
    ("/api/v1/me/sessions/{place_id}/", "delete"),
}
SIGNED_IN_ONLY = {
    "/api/v1/me/bookmarks/",
    "/api/v1/me/sessions/",
    "/api/v1/me/email/",
    "/api/v1/articles/{slug}/revisions/",
    "/api/v1/auth/user/",
    "/api/v1/auth/password/change/",
}


def test_the_schema_is_valid_openapi_3_with_every_endpoint_and_the_auth_ones(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    operations_found = {(path, method) for path, method, _ in operations(schema)}
    assert operations_found == (
        CONTENT_OPERATIONS | STAFF_OPERATIONS | AUTH_OPERATIONS | ACCOUNT_OPERATIONS
    )


def test_the_readers_own_data_needs_signing_in(schema):
    for path, method, operation in operations(schema):
        if (path, method) in ACCOUNT_OPERATIONS:
            assert {} not in operation["security"], (path, method)


def test_the_staff_endpoints_need_signing_in_and_the_preview_shows_an_example(schema):
    for path, method, operation in operations(schema):
        if (path, method) in STAFF_OPERATIONS:
            assert {} not in operation["security"], (path, method)
    preview = schema["paths"]["/api/v1/preview/"]["post"]
    assert preview["requestBody"]["content"]["application/json"]["examples"]


def test_reads_are_open_to_everyone_and_writes_need_signing_in(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schemes["jwtAuth"]["scheme"] == "bearer"
    for path, method, operation in operations(schema):
        if (path, method) not in CONTENT_OPERATIONS:
            continue
        anonymous_allowed = {} in operation["security"]
        expected = method in SAFE and path not in SIGNED_IN_ONLY
        assert anonymous_allowed == expected, (path, method)


def test_the_auth_endpoints_that_need_no_sign_in_say_so(schema):
    for path, method, operation in operations(schema):
        if (path, method) in AUTH_OPERATIONS and operation.get("security"):
            assert ({} in operation["security"]) == (path not in SIGNED_IN_ONLY), path


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert responses["429"]["content"]["application/json"]["schema"] == error
        if "{" in path:
            assert "404" in responses, (path, method)
        if method not in SAFE:
            assert {"401", "403"} <= set(responses), (path, method)
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (path, method)
    assert schema["components"]["schemas"]["Error"]["required"] == [
        "status",
        "code",
        "message",
        "errors",
    ]


def test_a_renamed_articles_addresses_document_their_redirect(schema):
    moved = {
        (path, method, "301" if method in SAFE else "308")
        for path, method, operation in operations(schema)
        if path.startswith("/api/v1/articles/{slug}/")
    }

    assert len(moved) >= 6
    for path, method, status in moved:
        assert "Location" in schema["paths"][path][method]["responses"][status]["headers"]


def test_every_request_body_is_json_only_as_the_api_parses_it(schema):
    bodies = [op["requestBody"] for _, _, op in operations(schema) if "requestBody" in op]
    assert len(bodies) > 10
    for body in bodies:
        assert set(body["content"]) == {"application/json"}


def test_creating_endpoints_document_the_idempotency_key_and_its_422(schema):
    def header(operation):
        headers = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
        return headers[0] if headers else None

    honouring = {
        (path, method) for path, method, operation in operations(schema) if header(operation)
    }
    with_422 = {
        (path, method) for path, method, op in operations(schema) if "422" in op["responses"]
    }

    assert (
        honouring
        == with_422
        == {
            ("/api/v1/articles/{slug}/comments/", "post"),
            ("/api/v1/articles/{slug}/revisions/{id}/restore/", "post"),
            ("/api/v1/articles/", "post"),
            ("/api/v1/comments/{id}/report/", "post"),
            ("/api/v1/me/export/", "post"),
        }
    )
    key = header(schema["paths"]["/api/v1/articles/{slug}/comments/"]["post"])
    assert key["in"] == "header"
    assert not key.get("required", False)
    assert re.fullmatch(key["schema"]["pattern"], "8e03978e-40d5-43e8-bc93-6894a57f9324")
    assert not re.fullmatch(key["schema"]["pattern"], "with space")


def test_request_and_response_components_are_separate(schema):
    components = schema["components"]["schemas"]
    assert set(components["CommentCreateRequest"]["properties"]) == {"body", "parent"}
    assert set(components["PatchedCommentUpdateRequest"]["properties"]) == {"body", "is_hidden"}
    assert "author" in components["Comment"]["properties"]


def test_a_comment_update_must_name_at_least_one_field(schema):
    # The API answers 400 to an empty PATCH, and to one without a body; the schema says so.
    assert schema["components"]["schemas"]["PatchedCommentUpdateRequest"]["minProperties"] == 1
    assert schema["paths"]["/api/v1/comments/{id}/"]["patch"]["requestBody"]["required"] is True


def test_the_docs_are_served_from_our_own_static_files(api):
    response = api.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
    assert "<script>" not in html  # the UI's own script is a separate file
    script = next(s for s in sources if "script" in s)
    assert api.get(script).status_code == 200


def test_the_browsable_api_works_for_visitors(api):
    ArticleFactory(title="Harbour lights")

    response = api.get(reverse("api:article-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "Harbour lights" in response.content.decode()


def test_the_browsable_api_works_for_staff_signed_in_through_the_admin(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    page = client.get(
        reverse("api:article-comments", kwargs={"slug": article.slug}), HTTP_ACCEPT="text/html"
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert editor.public_name in html
    assert 'id="post-generic-content-form"' in html  # the form to post a comment
    assert '"csrfToken"' in html


def test_changing_an_article_documents_if_match_its_412_and_428_with_examples(schema):
    for path, method, operation in operations(schema):
        if_match = [p for p in operation.get("parameters", []) if p["name"] == "If-Match"]
        responses = operation["responses"]
        assert ("412" in responses) == bool(if_match), (path, method)
        is_patch = (path, method) == ("/api/v1/articles/{slug}/", "patch")
        assert ("428" in responses) == is_patch, (path, method)
    patch = schema["paths"]["/api/v1/articles/{slug}/"]["patch"]
    assert next(p for p in patch["parameters"] if p["name"] == "If-Match")["required"] is True
    for status in ("400", "412", "428"):
        example = patch["responses"][status]["content"]["application/json"]["examples"]
        assert example["Example"]["value"]["status"] == int(status)
    assert patch["requestBody"]["required"] is True
    assert patch["requestBody"]["content"]["application/json"]["examples"]
    assert "ETag" in patch["responses"]["200"]["headers"]
    create = schema["paths"]["/api/v1/articles/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "422"}
    assert len(create["requestBody"]["content"]["application/json"]["examples"]) == 2
    assert set(schema["components"]["schemas"]["ArticleCreateRequest"]["required"]) == {
        "title",
        "summary",
        "body",
    }
