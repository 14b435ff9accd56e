"""gunicorn settings for `make serve` and production (`gunicorn -c deploy/gunicorn.conf.py`).

Every value can be overridden from the environment, as gunicorn allows
(GUNICORN_CMD_ARGS, or WEB_CONCURRENCY for the worker count).
"""

import multiprocessing
import os

wsgi_app = "project.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core keeps both cores busy while one worker waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
