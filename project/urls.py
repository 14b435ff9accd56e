from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from project import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/auth/", include("api.auth_urls")),
    # After auth/: the API's own routes end in a JSON 404 for anything unmatched.
    path("api/v1/", include("api.urls")),
    path("accounts/", include("pages.account_urls")),
    path("", include("pages.urls")),
]

handler404 = "project.errors.page_not_found"
handler500 = "project.errors.server_error"

# Uploaded cover images in development and for the quality gates' gunicorn (SERVE_MEDIA);
# in production the web server serves /media/. (`static()` does nothing without DEBUG.)
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
