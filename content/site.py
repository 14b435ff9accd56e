"""The site's public address, for every link that leaves a request: e-mails, feeds,
sitemaps, canonical URLs and API `url` fields. Never built from the request's Host."""

from django.conf import settings


def absolute_url(path):
    """`path` on the canonical origin (`SITE_URL`)."""
    return settings.SITE_URL.rstrip("/") + path
