"""One JSON error shape for every status, including addresses that match nothing."""

import logging

import pytest
from django.urls import include, path, reverse

from api.views import ApiView
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "message", "errors"}


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == SHAPE
    assert (body["status"], body["code"]) == (status, code)
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/articles", "/api/", "/api/v2/articles/", "/api/v1/a/b/c"]
)
def test_any_unknown_address_under_api_is_a_json_404(api, method, path):
    body = assert_error(getattr(api, method)(path), 404, "not_found")
    assert body["errors"] == {}


def test_a_method_an_endpoint_lacks_is_a_405(api):
    response = api.post(reverse("api:tag-list"), {})

    assert_error(response, 405, "method_not_allowed")
    assert response.json()["message"] == 'Method "POST" not allowed.'


def test_malformed_json_is_a_400_parse_error(sign_in, reader):
    article = ArticleFactory()
    response = sign_in(reader).post(
        reverse("api:article-comments", kwargs={"slug": article.slug}),
        "{not json",
        content_type="application/json",
    )

    assert_error(response, 400, "parse_error")


def test_an_unsupported_media_type_is_a_415(sign_in, reader):
    article = ArticleFactory()
    response = sign_in(reader).post(
        reverse("api:article-comments", kwargs={"slug": article.slug}),
        "<body>Hi</body>",
        content_type="application/xml",
    )

    assert_error(response, 415, "unsupported_media_type")


def test_field_errors_are_listed_per_field(sign_in, reader):
    article = ArticleFactory()
    response = sign_in(reader).post(
        reverse("api:article-comments", kwargs={"slug": article.slug}), {"body": ""}
    )

    body = assert_error(response, 400, "invalid")
    assert body["errors"] == {"body": ["This field may not be blank."]}
    assert body["message"] == "The request is not valid; see `errors` for what to change."


def test_unauthenticated_and_forbidden_are_401_and_403(api, sign_in, reader):
    comment_url = reverse("api:comment-detail", kwargs={"pk": CommentFactory().pk})

    assert_error(api.delete(comment_url), 401, "not_authenticated")
    assert_error(sign_in(reader).delete(comment_url), 403, "permission_denied")


# --- 500 -------------------------------------------------------------------------------------


class Broken(ApiView):
    permission_classes = []

    def get(self, request):
        raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [
    path("api/v1/broken/", Broken.as_view()),
    path("api/v1/", include("api.urls")),
]


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_is_a_logged_json_500_that_leaks_nothing(api, caplog):
    with caplog.at_level(logging.ERROR, logger="api.exceptions"):
        response = api.get("/api/v1/broken/")

    body = assert_error(response, 500, "server_error")
    assert "hunter2" not in response.content.decode()
    assert body["message"] == "Something went wrong on our side."
    [record] = [r for r in caplog.records if r.name == "api.exceptions"]
    assert record.exc_info[0] is RuntimeError
    assert "no-store" in response["Cache-Control"]
