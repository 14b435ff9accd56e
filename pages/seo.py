"""What search engines and link previews read: page metadata and JSON-LD, built once here
so every page describes itself the same way. Absolute URLs come from `SITE_URL`, never
from the request's Host header."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from content import pictures
from content.site import absolute_url


def page_url(path, page_number=1, **query):
    """The URL of one page of a paginated list: page 1 carries no `page` parameter,
    so it has one canonical address."""
    params = {key: value for key, value in query.items() if value}
    if page_number and page_number > 1:
        params["page"] = page_number
    return f"{path}?{urlencode(params)}" if params else path


@dataclass
class PageMeta:
    """One page's <title>, description, canonical URL and link-preview data."""

    title: str
    description: str
    canonical_path: str
    og_type: str = "website"
    image_url: str = ""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None
    noindex: bool = False
    structured_data: list = field(default_factory=list)
    alternates: list = field(default_factory=list)  # (type, title, href) beyond the site feeds
    json_url: str = ""  # the same data in the JSON API

    @classmethod
    def private(cls, request, title, description):
        """A page about the reader at hand (account, a comment's forms): not indexed."""
        return cls(title, description, canonical_path=request.path, noindex=True)

    @property
    def full_title(self):
        site_name = settings.SITE_NAME
        return self.title if self.title == site_name else f"{self.title} · {site_name}"

    @property
    def canonical_url(self):
        return absolute_url(self.canonical_path)


def website_data():
    """`WebSite` with a `SearchAction`, for the home page."""
    search_url = absolute_url(reverse("pages:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute_url(reverse("pages:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{search_term}}"},
            "query-input": "required name=search_term",
        },
    }


def breadcrumb_data(crumbs):
    """`BreadcrumbList` for [(name, path), ...], home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def person_data(user):
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": user.public_name,
        "url": absolute_url(reverse("pages:author-detail", args=[user.username])),
    }
    if user.bio:
        data["description"] = user.bio
    return data


def article_data(article):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title[:110],
        "description": article.description,
        "url": absolute_url(article.get_absolute_url()),
        "mainEntityOfPage": absolute_url(article.get_absolute_url()),
        "dateModified": article.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": article.author.public_name,
            "url": absolute_url(reverse("pages:author-detail", args=[article.author.username])),
        },
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.cover_image:
        image = pictures.social_image(article.cover_image) or {
            "url": article.cover_image.url,
            "width": article.cover_width,
            "height": article.cover_height,
        }
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute_url(image["url"]),
            "width": image["width"],
            "height": image["height"],
        }
    return data
