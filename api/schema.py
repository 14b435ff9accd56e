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
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticatedOrReadOnly
from rest_framework_simplejwt.views import TokenViewBase

from api import idempotency
from content.models import IDEMPOTENCY_KEY_MAX_LENGTH

ERROR_COMPONENT = "Error"
# The PATCH bodies (CommentUpdateSerializer, ArticleUpdateSerializer), as drf-spectacular
# names them: every field optional, but not all left out.
PATCH_COMPONENTS = ("PatchedCommentUpdateRequest", "PatchedArticleUpdateRequest")
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
            "`precondition_failed`, `precondition_required`, `throttled`, `server_error`…",
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
    "412": "If-Match names an older revision: someone saved the article since. GET it "
    "again for the current ETag.",
    "415": "Unsupported request body type: send JSON.",
    "422": "The Idempotency-Key came before with a different request: nothing was done.",
    "428": "If-Match is required: send the ETag of the article's GET.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
}
ERROR_EXAMPLES = {
    "412": {
        "status": 412,
        "code": "precondition_failed",
        "message": "'Night ferry' was saved at 2026-12-04T20:15:00Z, after the revision you "
        'started from; it is now at revision 4 (ETag "article-7-r4"). GET it again, '
        "apply your change to it, and send that ETag.",
        "errors": {},
    },
    "428": {
        "status": 428,
        "code": "precondition_required",
        "message": "Send If-Match with the article's ETag from a GET of it: an article is "
        "changed only from the revision you have seen.",
        "errors": {},
    },
    "400": {
        "status": 400,
        "code": "invalid",
        "message": "The request is not valid; see `errors` for what to change.",
        "errors": {"slug": ["Article with this Slug already exists."]},
    },
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

IF_MATCH = "If-Match"
_IF_MATCH_DESCRIPTION = (
    'The strong ETag of the article as you last read it (`"article-<id>-r<revision>"`, '
    "from its GET, or the answer to your last change). Compared strongly: a 412 when "
    "someone saved the article since, whatever else changed on the site. `*` matches "
    "any revision (it overwrites)."
)
IF_MATCH_REQUIRED = OpenApiParameter(
    IF_MATCH,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=_IF_MATCH_DESCRIPTION + " Required: a 428 without it.",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    IF_MATCH,
    str,
    OpenApiParameter.HEADER,
    description=_IF_MATCH_DESCRIPTION + " Optional here: checked when sent.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="For staff who may change the article: its strong ETag, "
    '`"article-<id>-r<revision>"`, for If-Match. Others get a weak one, for If-None-Match.',
)
_ARTICLE_ANSWER = {
    "id": 7,
    "slug": "night-ferry",
    "title": "Night ferry",
    "summary": "The last boat to the islands.",
    "url": "https://gazette.example/articles/night-ferry/",
    "api_url": "https://gazette.example/api/v1/articles/night-ferry/",
    "author": {
        "username": "ada",
        "name": "Ada Byron",
        "url": "https://gazette.example/authors/ada/",
        "api_url": "https://gazette.example/api/v1/authors/ada/",
    },
    "tags": [
        {
            "slug": "harbour",
            "name": "Harbour",
            "url": "https://gazette.example/tags/harbour/",
            "api_url": "https://gazette.example/api/v1/tags/harbour/",
        }
    ],
    "published_at": None,
    "updated_at": "2026-12-04T20:15:00Z",
    "reading_time": 1,
    "cover": None,
    "is_featured": False,
    "state": "draft",
    "description": "The last boat to the islands.",
    "body_html": "<p>It leaves at <strong>midnight</strong>.</p>",
    "comment_count": 0,
    "like_count": 0,
    "comments_url": "https://gazette.example/api/v1/articles/night-ferry/comments/",
    "like_url": "https://gazette.example/api/v1/articles/night-ferry/like/",
    "bookmark_url": "https://gazette.example/api/v1/articles/night-ferry/bookmark/",
    "viewer": {"liked": False, "bookmarked": False},
}
ARTICLE_CREATE_EXAMPLES = [
    OpenApiExample(
        "An Author's draft",
        request_only=True,
        value={
            "title": "Night ferry",
            "summary": "The last boat to the islands.",
            "body": "It leaves at **midnight**.",
            "tags": ["harbour"],
        },
    ),
    OpenApiExample(
        "An Editor's scheduled, featured article",
        request_only=True,
        value={
            "title": "Harbour lights",
            "slug": "harbour-lights",
            "summary": "The lighthouse keepers' year.",
            "body": "Every night, *every* light.",
            "status": "published",
            "published_at": "2030-01-01T06:00:00Z",
            "is_featured": True,
            "seo_description": "A year with the lighthouse keepers.",
        },
    ),
    OpenApiExample("The draft", response_only=True, status_codes=["201"], value=_ARTICLE_ANSWER),
]
ARTICLE_UPDATE_EXAMPLES = [
    OpenApiExample(
        "A new title",
        request_only=True,
        value={"title": "Night ferry to the islands"},
    ),
    OpenApiExample(
        "The article changed",
        response_only=True,
        status_codes=["200"],
        value={**_ARTICLE_ANSWER, "title": "Night ferry to the islands"},
    ),
]
ARTICLE_PUBLISH_EXAMPLES = [
    OpenApiExample("Publish now", request_only=True, value={}),
    OpenApiExample("Schedule", request_only=True, value={"published_at": "2030-01-01T06:00:00Z"}),
    OpenApiExample(
        "Published",
        response_only=True,
        status_codes=["200"],
        value={
            **_ARTICLE_ANSWER,
            "state": "published",
            "published_at": "2026-12-04T20:15:00Z",
        },
    ),
]
COMMENT_CREATE_EXAMPLES = [
    OpenApiExample("A comment", request_only=True, value={"body": "Worth the wait."}),
    OpenApiExample(
        "A reply", request_only=True, value={"body": "It was, every minute.", "parent": 41}
    ),
    OpenApiExample(
        "The reply",
        response_only=True,
        status_codes=["201"],
        value={
            "id": 42,
            "article": "night-ferry",
            "author": {"username": "grace", "name": "Grace"},
            "parent": 41,
            "body": "It was, every minute.",
            "is_hidden": False,
            "created_at": "2026-12-04T20:15:00Z",
            "edited_at": None,
            "editable_until": "2026-12-04T20:30:00Z",
            "can_edit": True,
            "can_delete": True,
            "url": "https://gazette.example/articles/night-ferry/#comment-42",
            "api_url": "https://gazette.example/api/v1/comments/42/",
        },
    ),
]
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
            content = {"schema": ERROR_REF}
            if status in ERROR_EXAMPLES and self.if_match(operation):
                content["examples"] = {"Example": {"value": ERROR_EXAMPLES[status]}}
            responses.setdefault(
                status,
                {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": content},
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
        if if_match := self.if_match(operation):
            statuses.add("412")
            if if_match.get("required"):
                statuses.add("428")
        return statuses

    def if_match(self, operation):
        """The operation's If-Match parameter, if it takes one."""
        return next(
            (
                p
                for p in operation.get("parameters", [])
                if p["in"] == "header" and p["name"] == IF_MATCH
            ),
            None,
        )

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
    and the PATCH bodies' rule that every field is optional, but not all at once."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    for component in PATCH_COMPONENTS:
        if component not in schemas:
            continue
        schemas[component]["minProperties"] = 1
        # So a body is required too: drf-spectacular requires one only for required fields.
        ref = {"$ref": f"#/components/schemas/{component}"}
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
