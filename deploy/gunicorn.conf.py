"""gunicorn settings for `make serve` and production (`gunicorn -c deploy/gunicorn.conf.py`).

Every value can be overridden from the environment, as gunicorn allows
(GUNICORN_CMD_ARGS, or WEB_CONCURRENCY for the worker count).
"""

import multiprocessing
import os

wsgi_app = "project.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Chosen by measurement (`make bench-gunicorn`, 10,000 articles, SQLite, wrk with 16
# connections on the same 2-core machine, 8 s per figure), requests/s:
#
#   workers × threads   /healthz   home (cached)
#   1 × 1                  1,627        1,292
#   2 × 1                  2,230        1,699
#   2 × 2                  2,169        1,454
#   3 × 1                  2,616        1,919
#   4 × 1                  2,809        2,232
#   4 × 2                  2,837        2,268
#   6 × 1                  2,776        2,166
#
# Throughput stops rising at two processes per core; a second thread per process adds
# nothing to CPU-bound answers (the GIL) but lets a worker take another request while
# one waits on PostgreSQL or a slow client, so 2 × cores processes of 2 threads each.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Workers are not recycled after a number of requests: each keeps the visitors' answers
# it rendered (project/visitor_cache.py, bounded by PAGE_CACHE_MAX_ENTRIES), and at
# 2,000 requests it lost them every second under load. GUNICORN_CMD_ARGS can set
# --max-requests where a leak needs it.
max_requests = 0
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
