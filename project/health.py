"""Probes for load balancers and orchestrators."""

import logging

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from project.cache import FallbackRedisCache

logger = logging.getLogger(__name__)


class ReadinessIsNoError(logging.Filter):
    """Drops Django's "Service Unavailable: /readyz" line. A probe asks every few
    seconds, and its 503 is the report itself; the fault behind it is logged by what
    found it (the cache once per interval: project/cache.py)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        return not (
            getattr(record, "status_code", None) == 503
            and request is not None
            and request.path == "/readyz"
        )


@never_cache
def healthz(request):
    """The process is alive. Touches nothing, so it is also the framework's floor."""
    return JsonResponse({"status": "ok"})


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_answers():
    cache = caches["default"]
    cache.set("readyz", "ok", timeout=5)
    # While Redis is away the shared cache answers from its per-process stand-in
    # (project/cache.py): the site works, but the cache is not ready, so say so.
    if isinstance(cache, FallbackRedisCache) and cache.is_down:
        return False
    return cache.get("readyz") == "ok"


@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache both answer."""
    checks = {}
    for name, probe in (("database", _database_answers), ("cache", _cache_answers)):
        try:
            checks[name] = "ok" if probe() else "error"
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.exception("readyz: %s does not answer", name)
            checks[name] = "error"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
