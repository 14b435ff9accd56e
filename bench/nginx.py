"""nginx for the benchmark: deploy/nginx.conf with this machine's paths and ports.

The shipped file is rewritten directive by directive (each rewrite must match exactly
once, so a change to deploy/nginx.conf that the benchmark would silently miss stops
it instead), then run as a foreground process with its own pid, logs and cache.
"""

import os
import pwd
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.server import ROOT, ServerError, stop

SHIPPED = ROOT / "deploy" / "nginx.conf"
START_SECONDS = 10
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
# As root, nginx's workers drop to this user (Debian's nginx default is www-data,
# which may not exist here); the folders they write are handed to it.
WORKER_USER, WORKER_GROUP = "nobody", "nogroup"


def nginx_path():
    path = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if path is None:
        raise ServerError("nginx is missing: `make bench-tools` installs it (Debian nginx-light)")
    return path


def render_config(text, *, port, upstream, workdir, static_root, media_root, as_root=False):
    """deploy/nginx.conf's `text` rewritten to listen on 127.0.0.1:`port`, proxy to
    `upstream` (host:port) and keep every file it writes under `workdir`."""
    workdir = Path(workdir)
    temp = "\n".join(f"    {name}_temp_path {workdir / 'temp' / name};" for name in TEMP_PATHS)
    rewrites = [
        (r"^user [^;]*;\n", f"user {WORKER_USER} {WORKER_GROUP};\n" if as_root else ""),
        (r"^pid [^;]*;", f"pid {workdir / 'nginx.pid'};"),
        (r"^error_log [^;]*;", f"error_log {workdir / 'error.log'} warn;"),
        (r"^(\s*)access_log /var/log[^;]*;", rf"\1access_log {workdir / 'access.log'};"),
        (r"^(\s*)server 127\.0\.0\.1:8000;", rf"\1server {upstream};"),
        (r"proxy_cache_path \S+", f"proxy_cache_path {workdir / 'cache'}"),
        (r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};"),
        (r"alias /srv/gazette/staticfiles/;", f"alias {static_root}/;"),
        (r"alias /srv/gazette/media/;", f"alias {media_root}/;"),
        (r"^http \{\n", "http {\n" + temp + "\n"),
    ]
    for pattern, replacement in rewrites:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count != 1:
            raise ServerError(
                f"deploy/nginx.conf: expected one match of {pattern!r}, found {count}"
            )
    return text


def write_config(workdir, *, port, upstream, static_root, media_root):
    """Write the benchmark's nginx.conf into `workdir` (with its folders); return its path."""
    workdir = Path(workdir)
    as_root = os.geteuid() == 0
    writable = [workdir / "cache", *(workdir / "temp" / name for name in TEMP_PATHS)]
    for folder in writable:
        folder.mkdir(parents=True, exist_ok=True)
        if as_root:
            user = pwd.getpwnam(WORKER_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)
    config = render_config(
        SHIPPED.read_text(),
        port=port,
        upstream=upstream,
        workdir=workdir,
        static_root=static_root,
        media_root=media_root,
        as_root=as_root,
    )
    path = workdir / "nginx.conf"
    path.write_text(config)
    return path


def check_config(path):
    """`nginx -t` on the configuration at `path`; raise ServerError with its output."""
    result = subprocess.run(  # noqa: S603 - nginx with our own configuration
        [nginx_path(), "-t", "-q", "-e", "stderr", "-p", str(path.parent), "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise ServerError(f"nginx -t failed for {path}:\n{result.stdout}{result.stderr}")


def start(path, port):
    """Run nginx in the foreground with the configuration at `path`; return the
    process once 127.0.0.1:`port` answers."""
    check_config(path)
    log = (path.parent / "nginx.out").open("w")
    process = subprocess.Popen(  # noqa: S603 - nginx with our own configuration
        [
            nginx_path(),
            "-e",
            "stderr",
            "-p",
            str(path.parent),
            "-c",
            str(path),
            "-g",
            "daemon off;",
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"nginx exited:\n{(path.parent / 'nginx.out').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except urllib.error.HTTPError:
            return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    stop(process)
    raise ServerError(f"nginx did not answer on 127.0.0.1:{port} within {START_SECONDS} s")
