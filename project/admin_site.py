"""The admin site: Django's, refusing any parameter that holds a NUL character.

An admin list passes its query string to the database as filters and searches, and
PostgreSQL cannot store or compare a NUL: `?status__exact=%00` was a 500 there. The
API's query parameters are DRF fields, which refuse a NUL as a bad request; the admin
does the same, for every view of every model, ours and third parties'. Installed as the
default site by `AdminConfig` (settings' INSTALLED_APPS), so `admin.site` is this one.
"""

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpResponseBadRequest


def holds_nul(query):
    """Whether a name or a value of `query` (a QueryDict) holds a NUL character."""
    return any(
        "\x00" in name or any("\x00" in value for value in values) for name, values in query.lists()
    )


class GazetteAdminSite(admin.AdminSite):
    site_header = "Gazette administration"
    site_title = "Gazette admin"
    index_title = "Newsroom"

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @functools.wraps(guarded)
        def refusing_nul(request, *args, **kwargs):
            if holds_nul(request.GET):
                return HttpResponseBadRequest(
                    "A parameter of this address holds a NUL character.",
                    content_type="text/plain; charset=utf-8",
                )
            return guarded(request, *args, **kwargs)

        return refusing_nul


class AdminConfig(DjangoAdminConfig):
    default_site = "project.admin_site.GazetteAdminSite"
