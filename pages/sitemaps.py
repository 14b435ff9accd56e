"""/sitemap.xml: every page a reader can see (articles, tags, authors), with lastmod.
Locations are on `SITE_URL`, whatever Host the request came in on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from content.models import Article, Tag, published_authors
from content.site import absolute_url


def latest_published_update():
    return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SiteSitemap(Sitemap):
    limit = 10000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at").newest_first()

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return latest_published_update()


class TagSitemap(SiteSitemap):
    def items(self):
        return Tag.objects.in_use(counted=True).order_by("slug")

    def location(self, tag):
        return reverse("pages:tag-detail", args=[tag.slug])

    def lastmod(self, tag):
        return tag.last_modified

    def get_latest_lastmod(self):
        return latest_published_update()


class AuthorSitemap(SiteSitemap):
    def items(self):
        return published_authors(counted=True).only("username").order_by("username")

    def location(self, author):
        return reverse("pages:author-detail", args=[author.username])

    def lastmod(self, author):
        return author.last_modified

    def get_latest_lastmod(self):
        return latest_published_update()


class SectionSitemap(SiteSitemap):
    """The home page and the article list, as fresh as the newest article."""

    def items(self):
        return ["pages:home", "pages:article-list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return latest_published_update()

    def get_latest_lastmod(self):
        return latest_published_update()


sitemaps = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_GET
def sitemap_index(request):
    """/sitemap.xml: Django's index view names the sections on the request's host; this
    one names them on `SITE_URL`, like every other absolute URL the site gives out."""
    lastmod = latest_published_update()
    entries = []
    for section, sitemap_class in sitemaps.items():
        location = absolute_url(reverse("pages:sitemap-section", args=[section]))
        entries.append(SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap_class().paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
