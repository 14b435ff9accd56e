"""One bounded wrk run against a URL on 127.0.0.1, read back as numbers."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk_report.lua")
# Unless the caller says otherwise: readers' browsers accept gzip; whitenoise and nginx
# answer with their compressed copies.
HEADERS = ("Accept-Encoding: gzip",)


class WrkError(RuntimeError):
    """wrk failed, or the server answered with errors during the run."""


@dataclass(frozen=True)
class Load:
    duration: float
    connections: int
    threads: int


def wrk_path():
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is missing: `make bench-tools` installs it (Debian package wrk)")
    return path


def measure(url, load, *, etag=None, headers=None):
    """Load `url` for `load.duration` seconds; return requests per second, latency
    percentiles in milliseconds and the raw counts. Raise WrkError on any error."""
    if not url.startswith("http://127.0.0.1:"):
        raise WrkError(f"benchmarks run against 127.0.0.1 only, not {url}")
    command = [
        wrk_path(),
        f"--duration={max(1, round(load.duration))}s",
        f"--connections={load.connections}",
        f"--threads={min(load.threads, load.connections)}",
        "--timeout=5s",
        f"--script={SCRIPT}",
    ]
    # One value per header: wrk keeps the last of two with the same name.
    for header in HEADERS if headers is None else headers:
        command += ["--header", header]
    env = {**os.environ, "BENCH_IF_NONE_MATCH": etag or ""}
    result = subprocess.run(  # noqa: S603 - wrk with arguments from this module
        [*command, url],
        env=env,
        capture_output=True,
        text=True,
        timeout=load.duration + 60,
        check=False,
    )
    summary = _summary(result)
    errors = {kind: count for kind, count in summary["errors"].items() if count}
    if errors or not summary["requests"]:
        raise WrkError(f"{url}: errors during the run {errors or 'no requests'}\n{result.stdout}")
    seconds = summary["duration_us"] / 1e6
    latency = summary["latency_us"]
    return {
        "rps": summary["requests"] / seconds,
        "p50_ms": latency["p50"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "requests": summary["requests"],
        "bytes_per_response": summary["bytes"] / summary["requests"],
    }


def _summary(result):
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise WrkError(
        f"wrk exited {result.returncode} without a summary:\n{result.stdout}{result.stderr}"
    )
