"""/api/v1/auth/: dj-rest-auth's endpoints (CONTRACT.md), listed one by one so that only
these exist. dj-rest-auth's own registration URLs also define placeholder pages named
like allauth's, which would hijack the links in e-mails; they are left out."""

from dj_rest_auth.views import UserDetailsView
from django.urls import path
from rest_framework_simplejwt.views import TokenVerifyView

from api import auth

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="rest_login"),
    path("logout/", auth.LogoutView.as_view(), name="rest_logout"),
    path("user/", UserDetailsView.as_view(), name="rest_user_details"),
    path("csrf/", auth.CsrfTokenView.as_view(), name="rest_csrf"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="rest_password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="rest_password_reset"),
    path(
        "password/reset/confirm/",
        auth.PasswordResetConfirmView.as_view(),
        name="rest_password_reset_confirm",
    ),
    path("registration/", auth.RegisterView.as_view(), name="rest_register"),
    path("registration/verify-email/", auth.VerifyEmailView.as_view(), name="rest_verify_email"),
    path(
        "registration/resend-email/",
        auth.ResendEmailVerificationView.as_view(),
        name="rest_resend_email",
    ),
    path("token/refresh/", auth.TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", TokenVerifyView.as_view(), name="token_verify"),
]
