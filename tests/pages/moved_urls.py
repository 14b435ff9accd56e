"""The site's URLconf under /moved/: a ROOT_URLCONF for tests that change it."""

from django.urls import include, path

urlpatterns = [path("moved/", include("project.urls"))]
