"""HTTP caching, in one middleware: visitors' answers stored by content version (served
stale for a while when the database does not answer), and conditional GET for every
other read. README, "Caching", draws a request's path through it."""

import functools
import gzip
import hashlib
import math
import time
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

from content import versions as content_versions

CACHEABLE_METHODS = ("GET", "HEAD")
# The cookie in which Django's messages wait for the next page (`CookieStorage`).
MESSAGES_COOKIE = "messages"
# Smaller bodies gain nothing from compression.
COMPRESS_FROM_BYTES = 512
# Set afresh on every answer, so never stored with it.
FRESH_HEADERS = {"cache-control", "etag", "content-length"}


def cached_for_visitors(view=None, *, per_article=False, negotiates=False):
    """Mark `view` (a function or `View.as_view()`) as cached for visitors. Its answers
    depend on the "site" version, and with `per_article` on its article's too (the URL's
    `slug`); `negotiates` for views that choose a format by Accept (the API)."""
    if view is None:
        return functools.partial(
            cached_for_visitors, per_article=per_article, negotiates=negotiates
        )

    @functools.wraps(view)
    def marked(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    marked.cache_policy = Policy(per_article, negotiates)
    return marked


@dataclass(frozen=True)
class Policy:
    per_article: bool
    negotiates: bool

    def scopes(self, url_kwargs):
        if self.per_article:
            return content_versions.scopes_of_article(url_kwargs["slug"])
        return [content_versions.SITE]

    @property
    def vary(self):
        return ("Cookie", "Accept-Encoding") + (
            ("Accept", "Authorization") if self.negotiates else ()
        )


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


def weak_etag(*parts):
    """A weak ETag naming `parts` (anything whose repr changes with the answer)."""
    return f'W/"{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"'


def is_visitor_request(request):
    return (
        request.method in CACHEABLE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and "authorization" not in request.headers
    )


def shared_cache_control(expires_at=None):
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


def _is_public(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _last_modified(response):
    return parse_http_date_safe(response.get("Last-Modified", ""))


class HttpCacheMiddleware:
    """Placed before the session, CSRF, authentication and message middleware, which a
    cached answer skips, and after the ones that add security headers, so that every
    answer has them. A stored answer keeps the headers the inner middleware added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = _policy_of(request)
        response = None
        if policy is not None and not settings.DEBUG and is_visitor_request(request):
            response = self._for_visitor(request, policy)
        if response is None:
            response = self.get_response(request)
        if policy is not None:
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, policy.vary)
        return response if settings.DEBUG else _conditional(request, response)

    def _for_visitor(self, request, policy):
        """The answer by content versions. While the database does not answer, what this
        process stored from the versions it last read (for PAGE_CACHE_STALE_IF_ERROR
        seconds, marked stale), else None: the view answers if it needs no database."""
        scopes = policy.scopes(request.resolver_match.kwargs)
        last_read = weak_etag("versions last read", scopes)
        try:
            versions, expires_at = content_versions.current(scopes)
            stale_for = None
        except DatabaseError:
            if (read := caches["pages"].get(last_read)) is None:
                return None
            versions, expires_at, read_at = read
            stale_for = time.monotonic() - read_at
        request.content_versions = versions  # for what the view caches
        etag = weak_etag(
            release(),
            request.get_host(),
            request.get_full_path(),
            request.headers.get("Accept", "") if policy.negotiates else "",
            sorted(versions.items()),
        )
        response = get_conditional_response(request, etag=etag)
        if response is None:
            stored = caches["pages"].get(etag) if settings.PAGE_CACHE else None
            if stored is None:
                if stale_for is not None:
                    return None
                response = self.get_response(request)
                if settings.PAGE_CACHE and _is_public(response):
                    stored = StoredResponse.of(response)
                    caches["pages"].set(etag, stored, settings.PAGE_CACHE_TIMEOUT)
            if stored is not None:
                response = stored.response_for(request)
        if response.status_code == 304 or _is_public(response):
            response["ETag"] = etag
            response["Cache-Control"] = shared_cache_control(expires_at)
            if stale_for is None:  # for as long as they may stand in for the database
                read = (versions, expires_at, time.monotonic())
                caches["pages"].set(last_read, read, settings.PAGE_CACHE_STALE_IF_ERROR)
            else:  # a stale hit has negative freshness (RFC 9211)
                response["Cache-Status"] = f"Gazette; hit; ttl={-math.ceil(stale_for)}"
            # If-Modified-Since, for views that state Last-Modified (the API's).
            response = get_conditional_response(
                request, etag=etag, last_modified=_last_modified(response), response=response
            )
        return response


def _conditional(request, response):
    """A read's ETag from its body and who asked, and a 304 when the client holds it:
    for the answers that say they may be kept (a Cache-Control without no-store)."""
    if request.method not in CACHEABLE_METHODS or response.status_code != 200:
        return response
    cache_control = response.get("Cache-Control", "no-store")
    if response.streaming or response.has_header("ETag") or "no-store" in cache_control:
        return response
    user = getattr(request, "user", None)
    body_digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
    response["ETag"] = weak_etag(getattr(user, "pk", None), body_digest)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=_last_modified(response), response=response
    )


def _policy_of(request):
    """The cache policy of the view at the request's address, if it has one. (Django
    resolves the address again for the view; a miss pays that twice.)"""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    request.resolver_match = match
    return getattr(match.func, "cache_policy", None)


@dataclass(frozen=True)
class StoredResponse:
    """A public answer as stored: its headers and its body, plain and compressed once
    in each encoding browsers ask for."""

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
