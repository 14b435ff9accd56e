"""`{% url %}`, `{% static %}` and `reverse()` for code remember what they made
(pages/templatetags/url_memo.py, static_memo.py; project/reversing.py), and answer
exactly what Django's own would."""

import pytest
from django.template import Context, Template
from django.templatetags.static import static as djangos_static
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from project.reversing import reverse as remembered
from tests.factories import TagFactory


def render(source, **values):
    return Template(source).render(Context(values))


@pytest.fixture(autouse=True)
def _default_prefix():
    yield
    set_script_prefix("/")


def test_arguments_reverse_to_their_own_addresses():
    source = "{% url 'pages:tag-detail' slug %}"

    assert render(source, slug="ports") == "/tags/ports/"
    assert render(source, slug="harbours") == "/tags/harbours/"
    assert render(source, slug="ports") == reverse("pages:tag-detail", args=["ports"])


def test_the_script_prefix_is_part_of_what_is_remembered():
    source = "{% url 'pages:article-list' %}"
    assert render(source) == "/articles/"

    set_script_prefix("/gazette/")

    assert render(source) == "/gazette/articles/"


def test_as_variable_still_works():
    assert render("{% url 'pages:search' as where %}[{{ where }}]") == "[/search/]"


@pytest.mark.django_db
def test_other_arguments_are_reversed_afresh():
    tag = TagFactory(name="Ports")

    assert render("{% url 'pages:tag-detail' tag.slug %}", tag=tag) == "/tags/ports/"
    # A lazy or model argument is not a key; the result is still Django's.
    assert render("{% url 'pages:comment-edit' pk %}", pk=tag.pk) == f"/comments/{tag.pk}/edit/"


def test_an_unknown_name_still_fails():
    with pytest.raises(NoReverseMatch):
        render("{% url 'pages:no-such-page' %}")


def test_a_new_urlconf_is_followed_by_every_remembered_address():
    template = Template("{% url 'pages:article-list' %} {% url 'pages:tag-detail' 'ports' %}")
    assert template.render(Context()) == "/articles/ /tags/ports/"

    with override_settings(ROOT_URLCONF="tests.pages.moved_urls"):
        assert template.render(Context()) == "/moved/articles/ /moved/tags/ports/"

    assert template.render(Context()) == "/articles/ /tags/ports/"


def test_static_answers_as_djangos_own():
    source = "{% load static_memo %}{% static 'css/site.css' %}|{% static name %}"
    assert render(source, name="js/main.js") == (
        djangos_static("css/site.css") + "|" + djangos_static("js/main.js")
    )


def test_static_follows_a_new_static_url():
    template = Template("{% load static_memo %}{% static 'css/site.css' %}")
    before = template.render(Context())

    with override_settings(STATIC_URL="/assets/"):
        moved = template.render(Context())
        assert moved == djangos_static("css/site.css")
        assert moved.startswith("/assets/")

    assert template.render(Context()) == before


def test_code_reverses_as_django_does():
    assert remembered("pages:tag-detail", args=["ports"]) == reverse(
        "pages:tag-detail", args=["ports"]
    )
    assert remembered("pages:tag-detail", kwargs={"slug": "ports"}) == "/tags/ports/"
    assert remembered("pages:search", query={"q": "tides"}) == "/search/?q=tides"

    set_script_prefix("/gazette/")
    assert remembered("pages:tag-detail", args=["ports"]) == "/gazette/tags/ports/"

    with override_settings(ROOT_URLCONF="tests.pages.moved_urls"):
        assert remembered("pages:tag-detail", args=["ports"]) == "/gazette/moved/tags/ports/"


def test_code_still_fails_on_an_unknown_name():
    with pytest.raises(NoReverseMatch):
        remembered("pages:no-such-page")
