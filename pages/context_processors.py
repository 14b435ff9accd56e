from django.conf import settings


def site(request):
    """Site-wide names every template needs (the canonical base URL among them)."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
