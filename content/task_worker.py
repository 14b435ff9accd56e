"""What django-tasks-db's worker leaves out: a sign of life, and a lease on running tasks.

The library's `db_worker` marks a task RUNNING when it takes it and SUCCESSFUL or
FAILED when it ends. A worker killed in between (SIGKILL, out of memory, a lost
machine) leaves its task RUNNING for ever, and no other worker takes a RUNNING task:
the e-mail would be lost. Nor does a worker leave any trace that it runs, so nothing
could tell an operator that mail has stopped going out.

Our `db_worker` (content/management/commands/db_worker.py) runs `beat` every
`beat_interval()` seconds beside the library's loop: it records "a worker was seen
now" in the shared cache (read by /readyz) and puts back in the queue every task
RUNNING for longer than TASK_LEASE seconds, which another worker then runs again.

So delivery is at least once: a task whose worker died after its effect (an e-mail
the mail server accepted) but before recording its end runs again, and so does a task
that outlives its lease on a live worker. Tasks must tolerate that; for e-mail, a rare
duplicate is the accepted price of never losing one.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

WORKER_SEEN_KEY = "tasks:worker-seen"


def beat_interval():
    """Seconds between beats: often enough that a live worker is never reported
    silent, and at most 5, so that a dead worker's task waits at most its lease and 5 s."""
    return min(5.0, settings.TASK_WORKER_SILENCE / 3)


def record_worker_seen():
    cache.set(WORKER_SEEN_KEY, time.time(), timeout=None)


def worker_silence():
    """Seconds since a worker of the database queue was last seen; None if never."""
    seen = cache.get(WORKER_SEEN_KEY)
    return None if seen is None else max(0.0, time.time() - seen)


def requeue_abandoned_tasks(backend_name=DEFAULT_TASK_BACKEND_ALIAS):
    """Put back in the queue the tasks RUNNING for longer than TASK_LEASE; return how
    many. Read first, so that the usual beat, with nothing abandoned, writes nothing
    (on SQLite a write takes the lock that the site's writes wait for)."""
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_LEASE)
    running_too_long = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=cutoff
    )
    abandoned = list(running_too_long.values_list("pk", flat=True))
    if not abandoned:
        return 0
    # Still RUNNING and still too long: a task that ended meanwhile keeps its end.
    count = running_too_long.filter(pk__in=abandoned).update(status=TaskResultStatus.READY)
    if count:
        logger.warning(
            "%d task(s) running for over %s s put back in the queue (TASK_LEASE)",
            count,
            settings.TASK_LEASE,
        )
    return count


def beat(backend_name=DEFAULT_TASK_BACKEND_ALIAS):
    record_worker_seen()
    requeue_abandoned_tasks(backend_name)
