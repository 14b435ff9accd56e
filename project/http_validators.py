"""Validators for conditional GET, shared by the visitor cache (project/visitor_cache.py)
and the API's own reads (api/conditional.py)."""

import hashlib

from django.utils.http import parse_etags, parse_http_date_safe

# The methods whose answers may be kept and revalidated.
CACHEABLE_METHODS = ("GET", "HEAD")


def weak_etag(*parts):
    """A weak ETag naming `parts` (anything whose repr changes with the answer)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def client_copy_is_current(request, etag, last_modified=None):
    """RFC 9110 conditional GET: If-None-Match decides when sent (weak comparison);
    otherwise If-Modified-Since, compared at one-second precision."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or _opaque(etag) in {_opaque(tag) for tag in tags}
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since and last_modified is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(last_modified.timestamp()) <= since
    return False


def _opaque(etag):
    return etag.removeprefix("W/")
