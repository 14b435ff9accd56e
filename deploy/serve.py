"""`make serve`: the production topology on this machine, nginx in front of gunicorn,
and a task worker beside them.

nginx runs deploy/nginx.conf as shipped, with only its paths and ports rewritten
(bench/nginx.py), on 127.0.0.1:8000 (`SERVE_PORT`); gunicorn runs
deploy/gunicorn.conf.py behind it on 127.0.0.1:8001 (`GUNICORN_BIND`); the worker of
TASK_BACKEND (`manage.py db_worker`, or RQ's) sends the e-mail (README "Tasks").
Ctrl-C stops all three; when one of them stops, so do the others. Signals for gunicorn
(SIGHUP to reload, SIGUSR2 to deploy new code, README "Production") go to the master
whose pid is in the pidfile printed at the start (after a SIGUSR2, the new master's).
Run from the repository's root: `python -m deploy.serve`.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from bench import nginx
from bench.server import ROOT, ServerError, stop

PORT = int(os.environ.get("SERVE_PORT", "8000"))
GUNICORN_BIND = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# The console script, as production runs it: SIGUSR2 re-executes the command gunicorn
# was started with, and `python -m gunicorn` would not import the project again.
GUNICORN = [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"]
STOP_SECONDS = 30
# The worker of each TASK_BACKEND that needs one; production runs it as its own service.
TASK_WORKERS = {
    "database": ["manage.py", "db_worker"],
    "rq": ["manage.py", "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job"],
}


def running_master(pidfile):
    """The pid of gunicorn's running master, or None. After a SIGUSR2 the new master
    writes `<pidfile>.2`, and renames it to `pidfile` once the old one has gone."""
    for path in (pidfile, pidfile.with_name(pidfile.name + ".2")):
        try:
            pid = int(path.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            continue
        return pid
    return None


def stop_gunicorn(app, pidfile):
    """SIGTERM to the running master (the one started, or the one a SIGUSR2 started),
    then wait for it: its workers finish what they are answering."""
    app.poll()  # collects the first master if a deploy replaced it
    deadline = time.monotonic() + STOP_SECONDS
    while (pid := running_master(pidfile)) and time.monotonic() < deadline:
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.2)
        app.poll()
    stop(app)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    # As root, nginx's workers run as an unprivileged user: a folder they may enter.
    workdir = Path(tempfile.mkdtemp(prefix="gazette-serve-"))
    workdir.chmod(0o755)
    config = nginx.write_config(
        workdir,
        port=PORT,
        upstream=GUNICORN_BIND,
        static_root=settings.STATIC_ROOT,
        media_root=settings.MEDIA_ROOT,
    )
    pidfile = workdir / "gunicorn.pid"
    # nginx adds the client's address to X-Forwarded-For: the app trusts one proxy.
    env = {**os.environ, "GUNICORN_BIND": GUNICORN_BIND, "DJANGO_NUM_PROXIES": "1"}
    app = subprocess.Popen([*GUNICORN, "--pid", str(pidfile)], cwd=ROOT, env=env)  # noqa: S603 - a fixed command
    worker = None
    if command := TASK_WORKERS.get(settings.TASK_BACKEND):
        worker = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=env)  # noqa: S603 - a fixed command
    proxy = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        proxy = nginx.start(config, PORT)
        print(f"Gazette: http://127.0.0.1:{PORT}/ (gunicorn's master: {pidfile})", flush=True)
        while (
            proxy.poll() is None
            and (app.poll() is None or running_master(pidfile))
            and (worker is None or worker.poll() is None)
        ):
            time.sleep(0.5)
    except ServerError as error:
        sys.exit(str(error))
    except KeyboardInterrupt:
        pass
    finally:
        if proxy is not None:
            stop(proxy)
        stop_gunicorn(app, pidfile)
        if worker is not None:
            stop(worker, timeout=STOP_SECONDS)  # lets it finish the task it runs
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
