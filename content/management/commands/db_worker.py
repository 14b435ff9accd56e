"""`python manage.py db_worker`: django-tasks-db's worker, with a heartbeat and a lease.

The library's worker loses the task it is running when it is killed (SIGKILL, out of
memory), and tells nobody that it runs: see content/task_worker.py. This command is
the library's, plus a thread that beats every few seconds for as long as the worker
runs: "a worker was seen" for /readyz, and tasks RUNNING past TASK_LEASE back to the
queue. Delivery is at least once. `content` comes before `django_tasks_db` in
INSTALLED_APPS, so this one is found.
"""

import logging
import os
import threading

from django.db import close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from content.task_worker import beat, beat_interval

logger = logging.getLogger(__name__)


def beat_until(stopped, backend_name):
    while not stopped.is_set():
        try:
            beat(backend_name)
        except Exception:  # a database or cache outage: try again at the next beat
            logger.exception("Task worker heartbeat failed")
        finally:
            close_old_connections()
        stopped.wait(beat_interval())
    connections.close_all()  # this thread's


class Command(db_worker.Command):
    help = db_worker.Command.help + ", with a heartbeat and a lease on running tasks"

    def handle(self, *args, **options):
        # With --reload (debug's default) the first process only restarts a second one,
        # which runs the tasks: that one beats.
        reloads = options["reload"] and not options["batch"]
        if reloads and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        stopped = threading.Event()
        heartbeat = threading.Thread(
            target=beat_until,
            args=(stopped, options["backend_name"]),
            name="task-worker-heartbeat",
            daemon=True,
        )
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:  # the worker ended (--batch, --max-tasks, a signal): so does its heartbeat
            stopped.set()
            heartbeat.join()
