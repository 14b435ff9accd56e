"""gunicorn settings for `make serve` and production (`gunicorn -c deploy/gunicorn.conf.py`).

Every value can be overridden from the environment, as gunicorn allows
(GUNICORN_CMD_ARGS, or WEB_CONCURRENCY for the worker count).
"""

import gc
import multiprocessing
import os
import signal

wsgi_app = "project.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Chosen by measurement (`make bench-gunicorn` on the 100,000-article SQLite database,
# wrk with 16 connections on the same 2-core machine, 8 s per figure), requests/s:
#
#   workers × threads   /healthz   home (cached)
#   1 × 1                  2,172        2,029
#   2 × 1                  3,922        3,917
#   2 × 2                  4,162        1,496 *
#   3 × 1                  4,113        3,619
#   4 × 1                  3,913        1,848 *
#   4 × 2                  3,853        3,658
#   6 × 1                  4,166        3,499
#
# Throughput stops rising at two processes on two cores; a second thread per process adds
# nothing to CPU-bound answers (the GIL) but lets a worker take another request while one
# waits on PostgreSQL or a slow client. 2 × cores processes of 2 threads each leave room
# for that without costing anything measurable.
#
# * One worker had taken most of wrk's 16 keep-alive connections: gthread workers accept
#   connections while their threads are busy, so one process (one core) served them all.
#   At most 8 connections a worker spreads them: in eight 2 s runs of home, the default
#   fell to 1,488 requests/s once, with the limit it never did (3,435 to 3,813). Behind
#   nginx (deploy/nginx.conf) each request comes on a connection of its own, so a worker
#   takes new requests only while it has room, and the rest wait in the listening
#   socket's queue, in order.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "8"))
timeout = 30
# Requests come through nginx (deploy/nginx.conf), whose header limits are the smaller:
# gunicorn's refusals are HTML pages, which must never reach an /api/ client, so it
# takes whatever nginx passed on. Its maximums: 8,190 bytes for the request line and
# each header, 32,768 headers (nginx's 32 kB of header buffers hold far fewer).
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 32768
graceful_timeout = 20
keepalive = 5
# Workers are not recycled after a number of requests: each keeps the visitors' answers
# it rendered (project/http_cache.py, bounded by PAGE_CACHE_MAX_ENTRIES), and at
# 2,000 requests it lost them every second under load. GUNICORN_CMD_ARGS can set
# --max-requests where a leak needs it.
max_requests = 0
# Deploys and worker restarts without a gap (README "Deploys"): the application is loaded
# and its first requests made once, in the master (project/warmup.py), so a worker forked
# after a SIGHUP or a crash answers at once instead of 4 to 9 s later. A SIGHUP then
# rereads this file and replaces the workers, but not the code (gunicorn's documented
# preload behaviour): a new release is deployed with SIGUSR2, which starts a new master
# beside the old one on the same sockets; once it has loaded and warmed the new code it
# stops the old master (SIGTERM: its workers finish what they are answering). Code that
# fails to load stops only the new master, and the old one carries on.
preload_app = True


def when_ready(server):
    from project.warmup import warm_up
    from project.wsgi import application

    statuses = warm_up(application)
    server.log.info(
        "Warmed up: %s", ", ".join(f"{path} {status}" for path, status in statuses.items())
    )
    # What the workers inherit is never collected: their collector and their exit no
    # longer walk it, touching (so copying) every inherited page. An old worker took 4 s
    # of CPU to exit after a SIGHUP on the loaded 2-core machine, 1 s with this, and
    # meanwhile competed with the new ones (Python's gc.freeze documentation).
    gc.freeze()
    # Started by a SIGUSR2 of the master whose pid this is (0 otherwise).
    if server.master_pid:
        server.log.info("Stopping the previous master %s", server.master_pid)
        os.kill(server.master_pid, signal.SIGTERM)


accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
