"""Feeds stay well-formed XML whatever the text in them."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TagFactory, UserFactory
from tests.security.checks import parse_xml

pytestmark = pytest.mark.django_db


def test_control_characters_in_titles_and_names_do_not_break_the_feeds(client):
    author = UserFactory(display_name="Form\x0cfeed")
    tag = TagFactory(name="Bell\x07tag")
    ArticleFactory(title="Start\x01of heading", summary="Back\x08space", author=author, tags=[tag])
    for url in (
        reverse("pages:feed-rss"),
        reverse("pages:feed-atom"),
        reverse("pages:tag-feed", args=[tag.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = parse_xml(response.content)
        assert "Startof heading" in [title.text for title in feed.iter() if "title" in title.tag]
