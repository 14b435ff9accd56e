"""Visitors' answers, cached exactly: pages and public API reads (content/freshness.py).

A visitor's request (GET or HEAD with no session cookie, no Authorization header and no
pending message) gets the same answer as every other visitor's. For one, to a view
marked with `visitor_cache` (pages/urls.py, api/urls.py), `VisitorCacheMiddleware`

1. reads the versions of what it shows (pushed to this process on PostgreSQL, else one
   query by primary key) and makes the ETag from them, the request and the release, so
   a 304 costs no rendering;
2. answers from this process's copy made from those same versions, when it has one
   (`PAGE_CACHE`; the copies are per process because a body fetched from Redis would
   cost a second round trip, while being current is decided by the shared versions);
3. else lets the request through and keeps the answer when it is public (200, no
   cookie set), compressed once with brotli and gzip for the clients that accept them.

The answers carry `Cache-Control: public, max-age=0, s-maxage=…`: browsers revalidate
every time (a 304), while nginx or a CDN may serve them for `s-maxage` seconds, never
past the next scheduled publication. Everyone else gets the view as written, marked
`private`: a signed-in reader never receives a cached page.
"""

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

from content import freshness
from project.http_validators import CACHEABLE_METHODS, client_copy_is_current, weak_etag

# The cookie in which Django's messages wait for the next page (`CookieStorage`).
MESSAGES_COOKIE = "messages"


@functools.cache
def release():
    """What the code and templates of this release are, for the ETags: a deployment
    that changes a template must not answer 304 to a copy made by the one before. A
    digest of the files' contents, so every server of one release agrees."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.blake2b(digest_size=8)
    for folder in ("project", "content", "pages", "api", "templates", "static"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".xml", ".js", ".css"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def is_visitor_request(request):
    return (
        request.method in CACHEABLE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and "authorization" not in request.headers
    )


def _etag(request, vary_on_accept, versions):
    return weak_etag(
        release(),
        request.get_host(),
        request.get_full_path(),
        request.headers.get("Accept", "") if vary_on_accept else "",
        sorted(versions.items()),
    )


def shared_cache_control_value(expires_at):
    """Public: browsers revalidate each time; shared caches keep it `s-maxage` seconds
    (and may serve it stale while they refetch), never past `expires_at`."""
    shared_age = settings.PAGE_CACHE_SHARED_MAX_AGE
    stale_while_revalidate = settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
    if expires_at is not None:
        remaining = max(0, int((expires_at - timezone.now()).total_seconds()))
        shared_age = min(shared_age, remaining)
        stale_while_revalidate = min(stale_while_revalidate, remaining - shared_age)
    return (
        f"public, max-age=0, s-maxage={shared_age}, stale-while-revalidate={stale_while_revalidate}"
    )


def shared_cache_control(response, expires_at):
    """Set `response`'s Cache-Control to the visitors' policy (for the API's own views)."""
    response["Cache-Control"] = shared_cache_control_value(expires_at)


def _is_public(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def the_site(url_kwargs):
    return [freshness.SITE]


def the_site_and_its_article(url_kwargs):
    """For the addresses of one article (`<slug:slug>`): its comments and likes too."""
    return [freshness.SITE, freshness.article_scope(url_kwargs["slug"])]


@dataclass(frozen=True)
class Policy:
    scopes: object  # url_kwargs -> the scopes its answers depend on
    vary_on_accept: bool

    @property
    def vary(self):
        return ("Cookie", "Accept-Encoding") + (("Authorization",) if self.vary_on_accept else ())


def visitor_cache(view=None, *, scopes=the_site, vary_on_accept=False):
    """Mark `view` (a function or `View.as_view()`) as cached for visitors, by
    `VisitorCacheMiddleware`. `scopes(url_kwargs)` names the versions its answers
    depend on; `vary_on_accept` for views that negotiate formats (the API)."""
    if view is None:
        return functools.partial(visitor_cache, scopes=scopes, vary_on_accept=vary_on_accept)

    @functools.wraps(view)
    def marked(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    marked.visitor_cache = Policy(scopes, vary_on_accept)
    return marked


class VisitorCacheMiddleware:
    """Answers visitors from kept copies before the session, CSRF, authentication and
    message middleware, and the URL's view, have anything to do; placed after the
    ones that add security headers, so they are on every answer.

    A copy keeps the headers the inner middleware added (X-Frame-Options, Vary)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = _policy_of(request)
        if policy is None:
            return self.get_response(request)
        if settings.DEBUG or not is_visitor_request(request):
            response = self.get_response(request)
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, policy.vary)
            return response

        versions, expires_at = freshness.current(policy.scopes(request.resolver_match.kwargs))
        request.content_versions = versions  # for the view's own remembered parts
        etag = _etag(request, policy.vary_on_accept, versions)
        if client_copy_is_current(request, etag):
            response = HttpResponseNotModified()
        else:
            response = _kept_copy(request, etag) or self._run(request, etag, expires_at)
        if response.status_code == 304 or _is_public(response):
            response["ETag"] = etag
            response["Cache-Control"] = shared_cache_control_value(expires_at)
            # If-Modified-Since, for views that state Last-Modified (the API's).
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        elif "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, policy.vary)
        return response

    def _run(self, request, etag, expires_at):
        response = self.get_response(request)
        if not (settings.PAGE_CACHE and _is_public(response)):
            return response
        timeout = settings.PAGE_CACHE_TIMEOUT
        if expires_at is not None:
            timeout = min(timeout, (expires_at - timezone.now()).total_seconds())
        kept = KeptAnswer.of(response)
        if timeout > 0:
            caches["pages"].set(etag, kept, timeout)
        return kept.response_for(request)


def _policy_of(request):
    """The visitor cache policy of the view at the request's address, if it has one.
    (Django resolves the address again for the view; a miss pays that twice.)"""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    request.resolver_match = match
    return getattr(match.func, "visitor_cache", None)


# Set afresh on every answer, so never kept with a copy.
FRESH_HEADERS = {"cache-control", "etag", "content-length"}
# Smaller bodies gain nothing from compression.
COMPRESS_FROM_BYTES = 512


@dataclass(frozen=True)
class KeptAnswer:
    """A public answer as kept for its versions: its headers and its body, plain and
    compressed once (not per request) in each encoding browsers ask for."""

    headers: dict
    bodies: dict  # by Content-Encoding; "" for none

    @classmethod
    def of(cls, response):
        headers = {k: v for k, v in response.items() if k.lower() not in FRESH_HEADERS}
        body = response.content
        bodies = {"": body}
        if len(body) >= COMPRESS_FROM_BYTES and "Content-Encoding" not in response:
            bodies["br"] = brotli.compress(body, quality=5)
            bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        return cls(headers, bodies)

    def response_for(self, request):
        accepted = _accepted_encodings(request)
        encoding = next((name for name in self.bodies if name and name in accepted), "")
        body = self.bodies[encoding]
        response = HttpResponse(body, headers=self.headers)
        response["Content-Length"] = str(len(body))
        if encoding:
            response["Content-Encoding"] = encoding
        return response


def _accepted_encodings(request):
    """The codings the client accepts (`q=0` means refused)."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


def _kept_copy(request, etag):
    if not settings.PAGE_CACHE:
        return None
    kept = caches["pages"].get(etag)
    return kept.response_for(request) if kept is not None else None
