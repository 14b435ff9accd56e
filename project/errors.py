"""Error pages for the whole site: HTML in the site's style, JSON under /api/.

Rendered without the usual context processors' database work, so an error page
cannot fail the way the page it replaces did.
"""

from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponseServerError, JsonResponse
from django.template import loader

API_PREFIX = "/api/"


def error_body(*, status_code, code, message, errors=None):
    """The JSON error shape of the whole API (api/exceptions.py uses it too)."""
    return {"status": status_code, "code": code, "message": message, "errors": errors or {}}


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
    if _wants_json(request):
        return _json_error(500, "server_error", "Something went wrong on our side.")
    # No request context: a context processor could be what failed.
    body = loader.render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME})
    return HttpResponseServerError(body)
