"""`{% url %}` remembers what it reversed (pages/templatetags/url_memo.py), and answers
exactly what Django's own tag would."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

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
