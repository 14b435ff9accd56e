"""One JSON error shape for every API error, whatever raised it.

    {"status": 404, "code": "not_found", "message": "Not found.", "errors": {}}

`errors` maps field names to lists of messages for a 400 about the submitted data
(`non_field_errors` for the data as a whole) and is empty otherwise. Unexpected
exceptions are logged with their traceback and answered with a bare 500, but a database
that does not answer, which is a 503 with Retry-After (project/errors.py).
"""

import logging
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from content.models import ArticleMoved
from project.errors import (
    DATABASE_UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
    asks_to_retry,
    error_body,
)

logger = logging.getLogger(__name__)

INVALID_DATA_MESSAGE = "The request is not valid; see `errors` for what to change."
SERVER_ERROR_MESSAGE = "Something went wrong on our side."


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than this API accepts."
    default_code = "too_large"


class BadRequest(exceptions.APIException):
    status_code = 400
    default_detail = "The request is malformed."
    default_code = "bad_request"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send If-Match with the article's ETag from a GET of it: an article is changed "
        "only from the revision you have seen."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The article was saved since the revision your If-Match names."
    default_code = "precondition_failed"


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = UNAVAILABLE_MESSAGE
    default_code = "service_unavailable"


class ServerError(exceptions.APIException):
    default_detail = SERVER_ERROR_MESSAGE
    default_code = "server_error"


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: the error shape for every exception an API view raises.
    A renamed article's old address is no error: DRF raises it on, and the site's
    redirect answers it, as for pages (project/redirects.py)."""
    if isinstance(exc, ArticleMoved):
        return None
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        view = context.get("view")
        logger.error("Unhandled exception in API view %s", type(view).__name__, exc_info=exc)
        api_exc = ServerError()
    # DRF's own handler adds WWW-Authenticate and Retry-After and rolls back the
    # transaction; only the body is ours.
    response = drf_exception_handler(api_exc, context)
    response.data = _body_for(api_exc)
    return asks_to_retry(response) if isinstance(api_exc, ServiceUnavailable) else response


def _as_api_exception(exc):
    """The DRF exception for `exc`, or None when it is a bug rather than a refusal."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        # content.services explain a refusal in a sentence meant for the reader.
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    # Django's refusals of the request itself, raised when a view first reads the body
    # or the query string (too large, too many fields): the client's fault, as outside
    # the API, where Django answers them with a 400.
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return BadRequest()
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return ServiceUnavailable()
    return None


def _body_for(exc):
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        return error_body(
            status_code=exc.status_code,
            code="invalid",
            message=_validation_message(errors),
            errors=errors,
        )
    detail = exc.detail
    if isinstance(detail, Mapping) and "detail" in detail:
        # simplejwt's refusals: {"detail": ..., "code": ..., "messages": [...]}.
        detail = detail["detail"]
    code = getattr(detail, "code", None) or exc.default_code
    return error_body(status_code=exc.status_code, code=code, message=str(detail))


def _field_errors(detail):
    """{field: [message, ...]}, with nested fields as `outer.inner` and list-level
    errors under `non_field_errors`."""
    if isinstance(detail, Mapping):
        errors = {}
        for key, value in detail.items():
            if isinstance(value, Mapping):
                errors.update({f"{key}.{k}": v for k, v in _field_errors(value).items()})
            else:
                errors[str(key)] = [str(message) for message in _messages(value)]
        return errors
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in _messages(detail)]}


def _messages(value):
    if isinstance(value, list | tuple):
        for item in value:
            yield from _messages(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _messages(item)
    else:
        yield value


def _validation_message(errors):
    non_field = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
    if non_field and len(errors) == 1:
        return non_field[0]
    return INVALID_DATA_MESSAGE
