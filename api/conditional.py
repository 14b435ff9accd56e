"""HTTP caching for API reads: validators, conditional GET, Cache-Control and Vary.

A view states what its response is made of (ids, update times, counts: things it
has loaded anyway) and gets a weak ETag from that, before anything is serialized;
a client that already holds that version gets a 304 without a body.
"""

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from project.http_validators import CACHEABLE_METHODS, client_copy_is_current, weak_etag
from project.visitor_cache import shared_cache_control

# The representation depends on the format asked for and on who is signed in.
VARY = ("Accept", "Cookie", "Authorization")


def is_personal(request):
    """A response for one reader (signed in) or one browser (the HTML browsable API,
    which may set a CSRF cookie) must stay out of shared caches."""
    return request.user.is_authenticated or not isinstance(request.accepted_renderer, JSONRenderer)


class ConditionalMixin:
    """For API views: validators on reads, 304 when they match, and caching headers on
    every response (public for anonymous JSON reads, private for personal ones, never
    stored for writes and errors)."""

    etag = None
    last_modified = None

    def not_modified(self, request, *, version, last_modified=None):
        """Record the validators of this response from `version` (anything hashable
        that changes whenever the response would) and `last_modified`; return a 304
        response when the client's copy is current, else None."""
        user_id = request.user.pk if request.user.is_authenticated else None
        self.etag = weak_etag(request.accepted_renderer.format, user_id, version)
        self.last_modified = last_modified
        if client_copy_is_current(request, self.etag, last_modified):
            return HttpResponseNotModified()
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if request.method in CACHEABLE_METHODS and response.status_code in (200, 304):
            if self.etag:
                response["ETag"] = self.etag
            if self.last_modified:
                response["Last-Modified"] = http_date(self.last_modified.timestamp())
            if is_personal(request):
                patch_cache_control(response, private=True, no_cache=True)
            else:
                # The same for every visitor: as the cached reads (project/visitor_cache.py).
                shared_cache_control(response, expires_at=None)
        else:
            patch_cache_control(response, no_store=True)
        return response
