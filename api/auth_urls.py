"""/api/v1/auth/: dj-rest-auth's endpoints (CONTRACT.md), listed one by one so that only
these exist. dj-rest-auth's own registration URLs also define placeholder pages named
like allauth's, which would hijack the links in e-mails; they are left out."""

from dj_rest_auth.views import UserDetailsView
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from rest_framework_simplejwt.views import TokenVerifyView

from api import auth
from api.views import VARY


def auth_view(view_class):
    """Every answer here carries tokens, a CSRF token or an account, or refuses
    credentials: never stored by any cache (RFC 6749 section 5.1 for tokens), and varying
    on the credentials sent, `Authorization` included."""
    return never_cache(vary_on_headers(*VARY)(view_class.as_view()))


urlpatterns = [
    path("login/", auth_view(auth.LoginView), name="rest_login"),
    path("logout/", auth_view(auth.LogoutView), name="rest_logout"),
    path("user/", auth_view(UserDetailsView), name="rest_user_details"),
    path("csrf/", auth_view(auth.CsrfTokenView), name="rest_csrf"),
    path("password/change/", auth_view(auth.PasswordChangeView), name="rest_password_change"),
    path("password/reset/", auth_view(auth.PasswordResetView), name="rest_password_reset"),
    path(
        "password/reset/confirm/",
        auth_view(auth.PasswordResetConfirmView),
        name="rest_password_reset_confirm",
    ),
    path("registration/", auth_view(auth.RegisterView), name="rest_register"),
    path("registration/verify-email/", auth_view(auth.VerifyEmailView), name="rest_verify_email"),
    path(
        "registration/resend-email/",
        auth_view(auth.ResendEmailVerificationView),
        name="rest_resend_email",
    ),
    path("token/refresh/", auth_view(auth.TokenRefreshView), name="token_refresh"),
    path("token/verify/", auth_view(TokenVerifyView), name="token_verify"),
]
