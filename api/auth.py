"""Authentication through the API: dj-rest-auth's endpoints with Gazette's rules.

Two modes (README "Accounts and authentication"):
- the site's own pages: session cookie + CSRF. Sign-in creates a session only when the
  request passes Django's CSRF check, so a cross-site form can never sign a browser in.
- other clients: JWT access and refresh tokens in the response body, sent back as
  `Authorization: Bearer`.

Every auth endpoint that takes a credential or an address is throttled per client
address and per account, in the shared cache, so several app servers count together.
"""

import hashlib

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm
from allauth.account.models import EmailAddress
from dj_rest_auth import views as rest_auth_views
from dj_rest_auth.registration import views as registration_views
from django.contrib.auth import logout as django_logout
from django.http import Http404
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from api.auth_serializers import LogoutSerializer
from api.throttling import CurrentRatesMixin
from api.views import ApiView

# --- Throttling ---------------------------------------------------------------------


class AuthAddressThrottle(CurrentRatesMixin, SimpleRateThrottle):
    """Attempts per client address (the address DRF derives with `NUM_PROXIES`, so a
    made-up X-Forwarded-For does not make a new client)."""

    scope = "auth_address"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthAccountThrottle(CurrentRatesMixin, SimpleRateThrottle):
    """Attempts per account, named by what the request identifies it with, so spreading
    guesses over many addresses does not help either."""

    scope = "auth_account"
    identifying_fields = ("email", "username", "uid", "key")

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS") or not hasattr(request.data, "get"):
            return None
        for field in self.identifying_fields:
            value = request.data.get(field)
            if isinstance(value, str) and value.strip():
                # Hashed: the value is whatever the client sent (any length, any
                # characters), and a cache key must stay short and plain.
                name = f"{field}:{value.strip().casefold()}".encode()
                ident = hashlib.sha256(name).hexdigest()
                return self.cache_format % {"scope": self.scope, "ident": ident}
        return None


AUTH_THROTTLES = [AuthAddressThrottle, AuthAccountThrottle]


# --- Views ------------------------------------------------------------------------------


class LoginView(rest_auth_views.LoginView):
    throttle_classes = AUTH_THROTTLES

    def process_login(self):
        # Only a request that passes the CSRF check (the site's own JavaScript, which
        # has the token) gets a session; anyone else gets tokens only.
        if _passes_csrf_check(self.request):
            super().process_login()


def _passes_csrf_check(request):
    # As DRF's SessionAuthentication checks it: its Request stands in for Django's.
    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {}) is None


@extend_schema_view(
    post=extend_schema(
        request=LogoutSerializer,
        responses=inline_serializer("LogoutResponse", {"detail": serializers.CharField()}),
    ),
)
class LogoutView(rest_auth_views.LogoutView):
    """Ends the session; with a `refresh` token in the body, also blacklists it. (dj-rest-auth
    answers 401 when a session sign-out sends no refresh token; the session still ended.)"""

    # Signing out changes state: POST only. dj-rest-auth defines a GET that answers 405
    # (without ACCOUNT_LOGOUT_ON_GET), which `Allow` would list all the same.
    http_method_names = ["post", "options"]

    def logout(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refresh = serializer.validated_data.get("refresh")
        if refresh:
            # Refused up front, in the API's error shape: dj-rest-auth would answer a
            # malformed token with its own 401 body.
            try:
                RefreshToken(refresh)
            except TokenError as error:
                raise InvalidToken(str(error)) from error
            return super().logout(request)
        django_logout(request)
        return Response({"detail": "Successfully logged out."})


class RegisterView(registration_views.RegisterView):
    throttle_classes = AUTH_THROTTLES

    def perform_create(self, serializer):
        if serializer.email_taken:
            get_adapter(self.request).send_account_already_exists_mail(
                serializer.validated_data["email"]
            )
            return None
        return super().perform_create(serializer)


class VerifyEmailView(registration_views.VerifyEmailView):
    throttle_classes = AUTH_THROTTLES

    def get_object(self, queryset=None):
        # An unknown or expired key is a bad field, not a missing resource: 400, not 404.
        try:
            return super().get_object(queryset)
        except Http404 as missing:
            raise serializers.ValidationError({"key": ["Invalid or expired key."]}) from missing


class ResendEmailVerificationView(registration_views.ResendEmailVerificationView):
    throttle_classes = AUTH_THROTTLES


class PasswordResetView(rest_auth_views.PasswordResetView):
    throttle_classes = AUTH_THROTTLES


class PasswordResetConfirmView(rest_auth_views.PasswordResetConfirmView):
    throttle_classes = AUTH_THROTTLES


class PasswordChangeView(rest_auth_views.PasswordChangeView):
    throttle_classes = [AuthAddressThrottle]


class TokenRefreshView(jwt_views.TokenRefreshView):
    throttle_classes = [AuthAddressThrottle]


@extend_schema_view(
    get=extend_schema(
        responses=inline_serializer("CsrfToken", {"csrf_token": serializers.CharField()})
    )
)
class CsrfTokenView(APIView):
    """The CSRF token for the site's JavaScript on pages that carry none (anonymous pages
    are the same for every visitor, so they hold no token). Sets the CSRF cookie."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response({"csrf_token": get_token(request)})


# --- The reader's e-mail addresses ------------------------------------------------------


class EmailAddressSerializer(serializers.Serializer):
    email = serializers.EmailField()
    verified = serializers.BooleanField(read_only=True)
    primary = serializers.BooleanField(read_only=True)


class MyEmailView(ApiView):
    """Your e-mail addresses. POST `{"email"}` starts a change to that address: it is
    verified first (a link mailed to it) and replaces your address only then; the old
    address is told. The answer is the same whether or not another account has it."""

    permission_classes = [IsAuthenticated]
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        operation_id="me_email_list",
        summary="Your e-mail addresses",
        responses=EmailAddressSerializer(many=True),
    )
    def get(self, request):
        addresses = EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")
        return Response(EmailAddressSerializer(addresses, many=True).data)

    @extend_schema(
        operation_id="me_email_change",
        summary="Change your e-mail address (verified first)",
        request=EmailAddressSerializer,
        responses={
            202: inline_serializer("EmailChangeStarted", {"detail": serializers.CharField()})
        },
    )
    def post(self, request):
        # allauth's own form and its save: the same rules as the /accounts/email/ page
        # (enumeration prevention, one pending new address, the verification mail).
        serializer = EmailAddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # the shape: a JSON object with `email`
        form = AddEmailForm(user=request.user, data=serializer.validated_data)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        form.save(request)
        return Response({"detail": "Verification e-mail sent."}, status=202)
