"""Error pages for the whole site: HTML in the site's style, JSON under /api/.

Rendered without the usual context processors' database work, so an error page
cannot fail the way the page it replaces did. A database that does not answer is a 503
that asks the client to come back, not a 500: nothing is wrong with the request.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import patch_cache_control

# How often a fault that lasts is logged again: the cache's interval, for the database too.
from project.cache import LOG_INTERVAL_SECONDS

API_PREFIX = "/api/"
# What the database driver raises when the database does not answer: a refused or
# broken connection, a server shutting down (also a lock or a statement timeout, which
# a retry may pass). Other database errors are bugs, and stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# How long a client is asked to wait before trying again: a database restart or a
# fail-over takes seconds.
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_MESSAGE = "The site cannot answer this right now; please try again in a moment."


def error_body(*, status_code, code, message, errors=None):
    """The JSON error shape of the whole API (api/exceptions.py uses it too)."""
    return {"status": status_code, "code": code, "message": message, "errors": errors or {}}


def asks_to_retry(response):
    """`response` (a 503) with when to come back, and never stored on the way."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def _wants_json(request):
    return request.path.startswith(API_PREFIX)


def _json_error(status, code, message):
    return JsonResponse(error_body(status_code=status, code=code, message=message), status=status)


def page_not_found(request, exception):
    if _wants_json(request):
        return _json_error(404, "not_found", "Not found.")
    body = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponseNotFound(body)


def server_error(request):
    """handler500: Django calls it while handling the exception, so `sys.exception()`
    is what went wrong, wherever it was raised (a view, a middleware, a template)."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if _wants_json(request):
        return _json_error(500, "server_error", "Something went wrong on our side.")
    # No request context: a context processor could be what failed.
    body = loader.render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME})
    return HttpResponseServerError(body)


def service_unavailable(request):
    if _wants_json(request):
        return asks_to_retry(_json_error(503, "service_unavailable", UNAVAILABLE_MESSAGE))
    body = loader.render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
    return asks_to_retry(HttpResponse(body, status=503))


class DatabaseOutageOncePerInterval(logging.Filter):
    """Lets Django's log line of a 503 for a database that does not answer (with its
    traceback) through once per interval in each process, saying how many it held back:
    during an outage every request fails the same way, and a line per request would bury
    the log."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.logged_at = None
        self.held_back = 0

    def filter(self, record):
        if not (record.exc_info and isinstance(record.exc_info[1], DATABASE_UNAVAILABLE)):
            return True
        now = time.monotonic()
        with self.lock:
            if self.logged_at is not None and now - self.logged_at < LOG_INTERVAL_SECONDS:
                self.held_back += 1
                return False
            self.logged_at, held_back, self.held_back = now, self.held_back, 0
        if held_back:
            record.msg = f"{record.msg} (and {held_back} more like it not logged)"
        return True
