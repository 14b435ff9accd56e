"""/accounts/: the account pages, django-allauth's views at the addresses in
CONTRACT.md. allauth finds its pages by un-namespaced names (`account_login`), so these
are not under the "pages" namespace. Django's reverse() takes the last of two patterns
with one name, so the two addresses below, listed after allauth's, are the ones
e-mailed links use (tests/accounts checks the links)."""

from allauth.account import views as account_views
from django.urls import include, path

from pages import views

urlpatterns = [
    path("", views.account, name="account"),
    path("sessions/", views.account_sessions, name="account_sessions"),
    path("export/", views.account_export, name="account_export"),
    path(
        "export/<int:pk>/download/",
        views.account_export_download,
        name="account_export_download",
    ),
    path("delete/", views.account_delete, name="account_delete"),
    path("delete/<str:token>/", views.account_delete_confirm, name="account_delete_confirm"),
    path("", include("allauth.account.urls")),
    path(
        "verify-email/<str:key>/",
        account_views.confirm_email,
        name="account_confirm_email",
    ),
    path(
        "password/reset/<str:uidb36>/<str:key>/",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
]
