"""Renamed articles' old addresses, for pages and API alike: `content.models.visible_article`
raises ArticleMoved for a former slug, and this middleware answers it with a permanent
redirect to the same address (detail, comments, like, bookmark…) under the current slug,
query string kept. So every view that looks its article up redirects, and none says so."""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri

from content.models import ArticleMoved

# 301 lets a client turn a POST into a GET, and so lose what it sent (a comment);
# 308, the same permanent move, has it send the same method and body again.
METHODS_FOLLOWED_AS_GET = ("GET", "HEAD")


class ArticleMovedMiddleware:
    """Last in MIDDLEWARE, so the first to see what a view raised. The API's exception
    handler lets ArticleMoved through to here (api/exceptions.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ArticleMoved):
            return None
        match = request.resolver_match
        location = reverse(
            match.view_name, args=match.args, kwargs={**match.kwargs, "slug": exception.slug}
        )
        if query := request.META.get("QUERY_STRING"):
            location = f"{location}?{iri_to_uri(query)}"
        response = HttpResponsePermanentRedirect(
            location, preserve_request=request.method not in METHODS_FOLLOWED_AS_GET
        )
        # Kept by no cache without asking again: renaming back makes the old address
        # current, and a browser holding the redirect would bounce between the two.
        patch_cache_control(response, no_cache=True)
        return response
