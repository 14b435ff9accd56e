"""The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header) on the
API's creating endpoints: a view method opts in with `@honours_idempotency_key`, and the
schema documents the header wherever it is (api/schema.py).

The rule is content.services.idempotent's: the same key from the same signed-in reader
within a day gets the first answer again (status, headers, body, and
`Idempotent-Replayed: true`) and writes nothing; the same key with another request (method,
address or body) is a 422; a request without the header is written as it comes.
"""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response

from content import services
from content.models import validate_idempotency_key

HEADER = "Idempotency-Key"
# Stripe's name for it: a client (or a person reading a log) tells a repeat from a write.
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_detail = (
        "This Idempotency-Key came before with a different request, which was carried out; "
        "this one was not. Send a new key with a new request."
    )
    default_code = "idempotency_key_reused"


def honours_idempotency_key(method):
    """Decorate a view's `post` that creates something: its answer is kept with the
    request's `Idempotency-Key` and given again for a repeat (content.services.idempotent)."""

    @functools.wraps(method)
    def honouring(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return method(view, request, *args, **kwargs)
        try:
            validate_idempotency_key(key)
        except DjangoValidationError as error:
            raise exceptions.ValidationError({HEADER: error.messages}) from error

        def write():
            response = method(view, request, *args, **kwargs)
            # The view's own headers (Location); the type comes with rendering.
            headers = {name: value for name, value in response.items() if name != "Content-Type"}
            return {"status": response.status_code, "headers": headers, "body": response.data}

        try:
            answer, repeated = services.idempotent(
                user=request.user,
                key=key,
                request=[request.method, request.path, request.data],
                write=write,
            )
        except services.IdempotencyKeyReused as error:
            raise IdempotencyKeyReused() from error
        response = Response(answer["body"], status=answer["status"], headers=answer["headers"])
        if repeated:
            response[REPLAYED_HEADER] = "true"
        return response

    honouring.honours_idempotency_key = True
    return honouring
