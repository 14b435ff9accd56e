"""RSS and Atom feeds: the latest published articles, site-wide and per tag."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from content.models import Article, Tag
from content.site import absolute_url

FEED_LENGTH = 20
# XML 1.0 has no way to write these, and Django's feed writer fails on them (a 500
# for the whole feed): one control character in a title or a name must not do that.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text):
    """`text` without the characters XML 1.0 cannot carry."""
    return NOT_IN_XML.sub("", text)


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: latest articles"
    description = "The newest articles, essays and field notes."

    def link(self):
        return absolute_url(reverse("pages:home"))

    def feed_url(self):
        return absolute_url(reverse("pages:feed-rss"))

    def items(self):
        return Article.objects.published().for_listing().newest_first()[:FEED_LENGTH]

    def item_title(self, article):
        return xml_text(article.title)

    def item_description(self, article):
        return xml_text(article.summary)

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        return absolute_url(article.get_absolute_url())

    def item_author_name(self, article):
        return xml_text(article.author.public_name)

    def item_author_link(self, article):
        return absolute_url(reverse("pages:author-detail", args=[article.author.username]))

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [xml_text(tag.name) for tag in article.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return absolute_url(reverse("pages:feed-atom"))


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.in_use(), slug=slug)

    def title(self, tag):
        return xml_text(f"{settings.SITE_NAME}: {tag.name}")

    def description(self, tag):
        return xml_text(f"The newest articles tagged {tag.name}.")

    def link(self, tag):
        return absolute_url(reverse("pages:tag-detail", args=[tag.slug]))

    def feed_url(self, tag):
        return absolute_url(reverse("pages:tag-feed", args=[tag.slug]))

    def items(self, tag):
        articles = Article.objects.published().filter(tags=tag).for_listing().newest_first()
        return articles[:FEED_LENGTH]
