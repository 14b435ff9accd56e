"""Probes for load balancers and orchestrators."""

import logging

from django.conf import settings
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


def _worker_state():
    """ "ok", or why no worker runs the queue's tasks (the e-mail): the database queue's
    workers beat in the shared cache (content/task_worker.py); RQ's register in Redis."""
    # Imported here: the logging configuration loads this module before the apps.
    if settings.TASK_BACKEND == "rq":
        import django_rq
        from rq import Worker

        return "ok" if Worker.count(connection=django_rq.get_connection()) else "none registered"
    from content.task_worker import worker_silence

    silence = worker_silence()
    if silence is None:
        return "never seen"
    return "ok" if silence <= settings.TASK_WORKER_SILENCE else f"not seen for {silence:.0f} s"


@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache both answer, and a worker runs the
    task queue (unless tasks run in the request: TASK_BACKEND=immediate)."""
    checks = {}
    for name, probe in (("database", _database_answers), ("cache", _cache_answers)):
        try:
            checks[name] = "ok" if probe() else "error"
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.exception("readyz: %s does not answer", name)
            checks[name] = "error"
    if settings.TASK_BACKEND != "immediate":
        try:
            checks["worker"] = _worker_state()
        except Exception:  # RQ's Redis does not answer
            logger.exception("readyz: the task queue does not answer")
            checks["worker"] = "error"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
