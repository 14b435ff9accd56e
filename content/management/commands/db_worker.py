"""`python manage.py db_worker`: django-tasks-db's worker, with a heartbeat and a lease.

The library's worker loses the task it is running when it is killed (SIGKILL, out of
memory), and tells nobody that it runs: see content/task_worker.py. This command is
the library's, plus a daemon thread that beats every few seconds: "a worker was seen"
for /readyz, and tasks RUNNING past TASK_LEASE back to the queue. Delivery is at least
once. `content` comes before `django_tasks_db` in INSTALLED_APPS, so this one is found.
"""

import logging
import os
import threading
import time

from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from content.task_worker import beat, beat_interval

logger = logging.getLogger(__name__)


def beat_forever(backend_name):
    while True:
        try:
            beat(backend_name)
        except Exception:  # a database or cache outage: try again at the next beat
            logger.exception("Task worker heartbeat failed")
        finally:
            close_old_connections()
        time.sleep(beat_interval())


class Command(db_worker.Command):
    help = db_worker.Command.help + ", with a heartbeat and a lease on running tasks"

    def handle(self, *args, **options):
        # With --reload (debug's default) the first process only restarts a second one,
        # which runs the tasks: that one beats.
        reloads = options["reload"] and not options["batch"]
        if not reloads or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            threading.Thread(
                target=beat_forever,
                args=(options["backend_name"],),
                name="task-worker-heartbeat",
                daemon=True,
            ).start()
        super().handle(*args, **options)
