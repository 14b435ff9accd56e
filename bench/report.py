"""What `make bench` prints and writes: ratios to /healthz, targets, table, Markdown, chart.

A run is one back end at one data size: {"backend", "articles", "measurements": {name:
{"rps", "p50_ms", "p99_ms", ...}}}. Every figure is read against /healthz measured in
the same run, so machines (and noisy neighbours) compare.
"""

import json
from pathlib import Path

FLOOR = "healthz"
# name: what the row shows. Cached pages are the app as it is with PAGE_CACHE=on;
# `signed_in_*` are pages a signed-in reader gets (session cookie), cached per content
# version and reader state; `render_*` are the cached pages with
# PAGE_CACHE=off (the cost of rendering); `cold_*` with VIEW_CACHE=off as well:
# nothing cached, every query run.
ENDPOINTS = {
    "healthz": "/healthz (framework floor)",
    "static": "static file via whitenoise",
    "nginx_static": "nginx: static file, page-sized",
    "nginx_page": "nginx cache: home page",
    "home": "home",
    "list": "article list, page 1",
    "list_50": "article list, page 50",
    "detail": "article detail",
    "tag": "tag page",
    "search": "search",
    "api_list": "/api/v1/articles/",
    "api_detail": "/api/v1/articles/<slug>/",
    "comments_304": "comments poll, 304",
    "signed_in_home": "home, signed in",
    "signed_in_list_2": "list page 2, signed in",
    "signed_in_detail": "detail, signed in",
    "render_home": "home, page cache off",
    "render_list": "list p1, page cache off",
    "render_list_50": "list p50, page cache off",
    "render_detail": "detail, page cache off",
    "render_tag": "tag, page cache off",
    "render_search": "search, page cache off",
    "cold_list": "list p1, nothing cached",
    "cold_detail": "detail, nothing cached",
}
# (name, minimum ratio to /healthz) from the performance issue.
RATIO_TARGETS = [
    *(
        (name, 0.8)
        for name in ("home", "list", "detail", "tag", "search", "api_list", "api_detail")
    ),
    ("comments_304", 0.9),
    *((f"signed_in_{name}", 0.5) for name in ("home", "list_2", "detail")),
    ("render_detail", 0.3),
    ("render_list", 0.2),
]
MAX_RENDER_QUERIES = 8
NGINX_PAGE_VS_STATIC = 0.5
SCALE_TOLERANCE = 0.10


def ratio(measurements, name, floor=FLOOR):
    """Requests per second of `name` as a fraction of `floor`'s in the same run."""
    base = measurements.get(floor, {}).get("rps")
    value = measurements.get(name, {}).get("rps")
    if not base or value is None:
        return None
    return value / base


def run_label(run):
    return f"{run['backend']}, {run['articles']:,} articles"


def table(run):
    """The run as a fixed-width text table, one row per endpoint measured."""
    measurements = run["measurements"]
    header = f"{'endpoint':<32}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'× healthz':>11}  note"
    lines = [run_label(run), header, "-" * len(header)]
    for name, label in ENDPOINTS.items():
        row = measurements.get(name)
        if row is None:
            continue
        share = ratio(measurements, name)
        lines.append(
            f"{label:<32}{row['rps']:>10,.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{_format_ratio(share):>11}  {_note(row)}".rstrip()
        )
    lines += [f"note: {note}" for note in run.get("notes", [])]
    return "\n".join(lines)


def _note(row):
    notes = []
    if "queries" in row:
        notes.append(f"{row['queries']} queries")
    if "cache_status" in row:
        notes.append(f"X-Cache-Status {row['cache_status']}")
    return ", ".join(notes)


def _format_ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def targets(runs):
    """Every target of the issue, for every run: dicts of target, run, value, limit and
    verdict (PASS, FAIL, or n/a when the figure was not measured)."""
    verdicts = []
    for run in runs:
        measurements = run["measurements"]
        label = run_label(run)
        for name, minimum in RATIO_TARGETS:
            verdicts.append(
                _verdict(
                    f"{ENDPOINTS[name]} ≥ {minimum} × healthz",
                    label,
                    ratio(measurements, name),
                    minimum,
                )
            )
        for name in ("render_detail", "render_list", "cold_detail", "cold_list"):
            queries = measurements.get(name, {}).get("queries")
            verdicts.append(
                _verdict(
                    f"{ENDPOINTS[name]}: ≤ {MAX_RENDER_QUERIES} queries",
                    label,
                    queries,
                    MAX_RENDER_QUERIES,
                    at_most=True,
                )
            )
        verdicts.append(
            _verdict(
                f"nginx cache: page ≥ {NGINX_PAGE_VS_STATIC} × page-sized static file",
                label,
                ratio(measurements, "nginx_page", floor="nginx_static"),
                NGINX_PAGE_VS_STATIC,
            )
        )
    verdicts.extend(scale_targets(runs))
    return verdicts


def scale_targets(runs):
    """The largest data size against the smallest, per back end: no ratio to /healthz
    more than SCALE_TOLERANCE worse."""
    verdicts = []
    by_backend = {}
    for run in runs:
        by_backend.setdefault(run["backend"], []).append(run)
    for backend, backend_runs in by_backend.items():
        if len(backend_runs) < 2:
            continue
        small, large = min(backend_runs, key=_size), max(backend_runs, key=_size)
        label = f"{backend}, {large['articles']:,} vs {small['articles']:,} articles"
        for name in ENDPOINTS:
            if name == FLOOR:
                continue
            before = ratio(small["measurements"], name)
            after = ratio(large["measurements"], name)
            change = None if before is None or after is None else after / before
            verdicts.append(
                _verdict(
                    f"{ENDPOINTS[name]}: ≥ {1 - SCALE_TOLERANCE:.2f} of the smaller size",
                    label,
                    change,
                    1 - SCALE_TOLERANCE,
                )
            )
    return verdicts


def _size(run):
    return run["articles"]


def _verdict(target, run, value, limit, *, at_most=False):
    if value is None:
        verdict = "n/a"
    elif at_most:
        verdict = "PASS" if value <= limit else "FAIL"
    else:
        verdict = "PASS" if value >= limit else "FAIL"
    return {"target": target, "run": run, "value": value, "limit": limit, "verdict": verdict}


def targets_table(verdicts):
    lines = [f"{'verdict':<8}{'value':>8}  target  [run]"]
    for item in verdicts:
        value = item["value"]
        shown = (
            "n/a" if value is None else (f"{value}" if isinstance(value, int) else f"{value:.2f}")
        )
        lines.append(f"{item['verdict']:<8}{shown:>8}  {item['target']}  [{item['run']}]")
    return "\n".join(lines)


def markdown(result):
    """The whole result as a Markdown report."""
    settings = result["settings"]
    parts = [
        "# Gazette benchmark",
        "",
        f"Started {settings['started']}; wrk {settings['duration']} s per endpoint, "
        f"{settings['connections']} connections, {settings['threads']} threads"
        + (
            " (quick mode: checks the harness, the figures mean little)"
            if settings["quick"]
            else ""
        )
        + ".",
        "",
    ]
    for run in result["runs"]:
        measurements = run["measurements"]
        parts += [
            f"## {run_label(run)}",
            "",
            "| endpoint | req/s | p50 ms | p99 ms | × healthz | note |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for name, label in ENDPOINTS.items():
            row = measurements.get(name)
            if row is not None:
                parts.append(
                    f"| {label} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} "
                    f"| {_format_ratio(ratio(measurements, name))} | {_note(row)} |"
                )
        parts += ["", *(f"- {note}" for note in run.get("notes", []))]
        parts.append("")
    parts += ["## Targets", "", "| verdict | value | target | run |", "|---|---:|---|---|"]
    for item in result["targets"]:
        value = item["value"]
        shown = (
            "n/a" if value is None else (f"{value}" if isinstance(value, int) else f"{value:.2f}")
        )
        parts.append(f"| {item['verdict']} | {shown} | {item['target']} | {item['run']} |")
    if result.get("gunicorn"):
        parts += ["", "## gunicorn workers × threads", "", gunicorn_markdown(result["gunicorn"])]
    return "\n".join(parts) + "\n"


def gunicorn_table(rows):
    header = (
        f"{'workers':>8}{'threads':>8}{'healthz req/s':>15}{'home req/s':>12}{'home p99 ms':>13}"
    )
    lines = [header]
    for row in rows:
        lines.append(
            f"{row['workers']:>8}{row['threads']:>8}{row['healthz']['rps']:>15,.0f}"
            f"{row['home']['rps']:>12,.0f}{row['home']['p99_ms']:>13.2f}"
        )
    return "\n".join(lines)


def gunicorn_markdown(rows):
    lines = [
        "| workers | threads | healthz req/s | home req/s | home p99 ms |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['workers']} | {row['threads']} | {row['healthz']['rps']:,.0f} "
            f"| {row['home']['rps']:,.0f} | {row['home']['p99_ms']:.2f} |"
        )
    return "\n".join(lines)


def chart(result, path):
    """A PNG: every endpoint's ratio to /healthz, one bar per run."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    runs = result["runs"]
    names = [name for name in ENDPOINTS if any(name in run["measurements"] for run in runs)]
    figure, axes = pyplot.subplots(figsize=(10, 0.45 * len(names) * max(1, len(runs)) / 2 + 2))
    height = 0.8 / max(1, len(runs))
    for index, run in enumerate(runs):
        values = [ratio(run["measurements"], name) or 0 for name in names]
        positions = [position + index * height for position in range(len(names))]
        axes.barh(positions, values, height=height, label=run_label(run))
    axes.set_yticks([position + 0.4 - height / 2 for position in range(len(names))])
    axes.set_yticklabels([ENDPOINTS[name] for name in names])
    axes.invert_yaxis()
    axes.axvline(1.0, color="grey", linewidth=0.8)
    axes.set_xlabel("requests per second, as a ratio to /healthz in the same run")
    axes.legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def write(result, folder):
    """results.json, report.md and chart.png in `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": folder / "results.json",
        "markdown": folder / "report.md",
        "chart": folder / "chart.png",
    }
    paths["json"].write_text(json.dumps(result, indent=2) + "\n")
    paths["markdown"].write_text(markdown(result))
    if result["runs"]:
        chart(result, paths["chart"])
    else:
        del paths["chart"]
    return paths
