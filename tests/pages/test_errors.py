"""Error pages: in the site's style for people, JSON for the API's clients."""

import json

import pytest
from django.test import RequestFactory

from project import errors
from tests.html import soup

pytestmark = pytest.mark.django_db


def test_404_page_is_in_the_site_style_with_a_way_on(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = soup(response)
    assert page.h1.text == "Page not found"
    assert page.select_one(".site-header") is not None
    assert page.select_one('form[role="search"]') is not None
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_500_page_renders_without_the_database_or_context_processors(django_assert_num_queries):
    request = RequestFactory().get("/articles/broken/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)

    assert response.status_code == 500
    page = soup(response)
    assert page.h1.text == "Something went wrong"
    assert page.title.text == "Something went wrong · Gazette"


def test_errors_under_the_api_are_json():
    request = RequestFactory().get("/api/v1/nothing/")

    not_found = errors.page_not_found(request, exception=None)
    server_error = errors.server_error(request)

    assert not_found.status_code == 404
    assert json.loads(not_found.content)["code"] == "not_found"
    assert server_error.status_code == 500
    assert json.loads(server_error.content) == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side.",
        "errors": {},
    }
