"""The OpenAPI schema's additions to drf-spectacular.

- Every operation documents the error responses it can give, in the one error shape,
  worked out from what it declares (parameters, body, sign-in), so endpoints added
  later are documented the same way without further code.
- Reads that answer conditional requests document 304.
- A renamed article's old addresses (`articles/{slug}/…`) document their permanent
  redirect: 301 for reads, 308 for writes (project/redirects.py).
- Creating endpoints that honour `Idempotency-Key` (api/idempotency.py) document the
  header and the 422 of a reused key.
- Sign-in is optional (`{}`) wherever the permissions let anonymous readers in.
- The auth endpoints (api/auth.py subclasses dj-rest-auth's views) get the response
  schemas drf-spectacular's dj-rest-auth support gives the originals, with the status
  codes these views really answer.
"""

from drf_spectacular import openapi
from drf_spectacular.contrib import rest_auth
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticatedOrReadOnly
from rest_framework_simplejwt.views import TokenViewBase

from api import idempotency
from content.models import IDEMPOTENCY_KEY_MAX_LENGTH

ERROR_COMPONENT = "Error"
# The PATCH body of `comments/<id>/` (CommentUpdateSerializer), as drf-spectacular names it.
COMMENT_UPDATE_COMPONENT = "PatchedCommentUpdateRequest"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error, whatever its status.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {
            "type": "string",
            "description": "Stable and machine-readable: `invalid`, `parse_error`, "
            "`not_authenticated`, `token_not_valid`, `permission_denied`, `not_found`, "
            "`method_not_allowed`, `unsupported_media_type`, `idempotency_key_reused`, "
            "`throttled`, `server_error`…",
        },
        "message": {"type": "string", "description": "A sentence for people."},
        "errors": {
            "type": "object",
            "description": "For `invalid`: messages per field, `non_field_errors` for the "
            "request as a whole. Empty otherwise.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["status", "code", "message", "errors"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid parameters or body; `errors` says what to change.",
    "401": "Sign in first, or the credentials sent (a JWT) are not valid.",
    "403": "Signed in, but not allowed (or the CSRF token is missing).",
    "404": "Not found, or not visible to you.",
    "415": "Unsupported request body type: send JSON.",
    "422": "The Idempotency-Key came before with a different request: nothing was done.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
}
NOT_MODIFIED = {
    "description": "Not Modified: the copy named by If-None-Match or If-Modified-Since is current."
}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Where a former slug of a renamed article redirects (project/redirects.py).
ARTICLE_ADDRESSES = "/api/v1/articles/{slug}/"
MOVED = {
    "description": "Moved Permanently: `slug` is a former slug of the article, and "
    "`Location` the same address under its current slug (308 for writes: send the same "
    "request there).",
    "headers": {"Location": {"schema": {"type": "string"}}},
}
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "A key of your choice for this one write (a UUID, say; the draft's quoted form "
        "works too). Sent again by the same signed-in reader within 24 hours with the same "
        "request, it gets the first answer again, with `Idempotent-Replayed: true`, and "
        "nothing is written twice: retry with it when an answer was lost. A concurrent "
        "repeat waits for the first. With another request it is a 422. Refused requests "
        "keep no key."
    ),
    pattern=rf"^[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$",
)


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in self.error_statuses(operation):
            responses.setdefault(
                status,
                {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        from api.views import ApiView  # which imports this module, through DRF's settings

        if self.method == "GET" and isinstance(self.view, ApiView):
            responses.setdefault("304", NOT_MODIFIED)
        if self.path.startswith(ARTICLE_ADDRESSES):
            responses.setdefault("308" if self.method in UNSAFE_METHODS else "301", MOVED)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation):
        """The error statuses this operation can answer with."""
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        security = operation.get("security", [])
        statuses = {"429"}
        if has_body or any(p["in"] == "query" for p in parameters):
            statuses.add("400")
        if has_body:
            statuses.add("415")
        if any(p["in"] == "path" for p in parameters):
            statuses.add("404")
        # A bad JWT is refused even where signing in is optional, and simplejwt's own
        # views refuse a bad token sent in the body.
        if any(security) or isinstance(self.view, TokenViewBase):
            statuses.add("401")
        if (security and {} not in security) or self.method in UNSAFE_METHODS:
            statuses.add("403")  # not allowed; CSRF; the per-object rules of the services
        if self.honours_idempotency_key():
            statuses.update({"400", "422"})  # a malformed key; a reused one
        return statuses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.honours_idempotency_key():
            return [*parameters, IDEMPOTENCY_KEY_PARAMETER]
        return parameters

    def honours_idempotency_key(self):
        handler = getattr(self.view, self.method.lower(), None)
        return getattr(handler, "honours_idempotency_key", False)

    def get_auth(self):
        """drf-spectacular marks sign-in optional (`{}`) only for the exact classes
        AllowAny and IsAuthenticatedOrReadOnly; subclasses such as CommentPermission
        let anonymous readers in just the same."""
        auths = super().get_auth()
        if auths and {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self):
        for permission in self.view.get_permissions():
            if isinstance(permission, AllowAny):
                continue
            if isinstance(permission, IsAuthenticatedOrReadOnly) and self.method in SAFE_METHODS:
                continue
            return False
        return True


def complete_schema(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component the responses refer to,
    and a comment update's rule that every field is optional, but not all at once."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    if COMMENT_UPDATE_COMPONENT in schemas:
        schemas[COMMENT_UPDATE_COMPONENT]["minProperties"] = 1
        # So a body is required too: drf-spectacular requires one only for required fields.
        ref = {"$ref": f"#/components/schemas/{COMMENT_UPDATE_COMPONENT}"}
        for methods in result["paths"].values():
            for operation in methods.values():
                body = operation.get("requestBody", {})
                if any(media["schema"] == ref for media in body.get("content", {}).values()):
                    body["required"] = True
    return result


# --- The auth endpoints --------------------------------------------------------------------
# drf-spectacular's dj-rest-auth extensions match the original classes only.


class LoginScheme(rest_auth.RestAuthLoginView):
    target_class = "api.auth.LoginView"


class RegisterScheme(rest_auth.RestAuthRegisterView):
    target_class = "api.auth.RegisterView"


class DetailResponseScheme(OpenApiViewExtension):
    """Views that answer `{"detail": "..."}` with 200 (not 201, though some are
    create views)."""

    def view_replacement(self):
        class Fixed(self.target_class):
            @extend_schema(responses={200: rest_auth.RestAuthDetailSerializer})
            def post(self, request, *args, **kwargs):
                pass  # pragma: no cover - never called, only read for the schema

        return Fixed


class PasswordChangeScheme(DetailResponseScheme):
    target_class = "api.auth.PasswordChangeView"


class PasswordResetScheme(DetailResponseScheme):
    target_class = "api.auth.PasswordResetView"


class PasswordResetConfirmScheme(DetailResponseScheme):
    target_class = "api.auth.PasswordResetConfirmView"


class VerifyEmailScheme(DetailResponseScheme):
    target_class = "api.auth.VerifyEmailView"


class ResendEmailVerificationScheme(DetailResponseScheme):
    target_class = "api.auth.ResendEmailVerificationView"
