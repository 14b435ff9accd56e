"""A bounded mixed load with wrk against the embedded default (SQLite, 4 workers × 2
threads): mostly anonymous reads of pages and the API, and writes signed in with JWT
bearer tokens (comments, likes set and taken back), through bench/mixed.lua, the load
of `make bench-mixed`.

It runs at the saturation point `make bench-mixed` found on this 2-core machine: its
sweep of 1 to 32 connections peaked at 8 (16 and 32 gave less, with a p99 several times
higher), so 8 connections keep every worker thread busy without only queueing.
"""

from bench import mixed, server, wrk
from tests.ops.conftest import PASSWORD, in_site_shell, require_wrk

SATURATION_CONNECTIONS = 8
SECONDS = 10
READERS = 8


def test_a_mixed_load_at_saturation_gets_no_error(sqlite_site, report_figure):
    require_wrk()
    readers, slugs = in_site_shell(
        sqlite_site.env,
        ("readers", {"prefix": "loaded", "count": READERS, "password": PASSWORD}),
        ("demo_article_slugs", {"count": 5}),
    )
    reads = mixed.read_paths(server.page_paths(sqlite_site.env))
    tokens = mixed.sign_in(sqlite_site.url, [reader["username"] for reader in readers], PASSWORD)
    log_offset = sqlite_site.log_offset()

    row = mixed.measure(
        sqlite_site.url,
        wrk.Load(SECONDS, SATURATION_CONNECTIONS, threads=2),
        reads=reads,
        slugs=slugs,
        tokens=tokens,
    )

    report_figure(
        f"mixed load (SQLite, 10 % writes, {SATURATION_CONNECTIONS} connections, {SECONDS} s): "
        f"{row['rps']:,.0f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, "
        f"statuses {dict(sorted(row['statuses'].items()))}"
    )
    assert row["socket_errors"] == {}
    assert row["unexpected_statuses"] == {}
    assert row["statuses"].get(201, 0) > 0, "no comment was posted: the writes did not run"
    assert sqlite_site.alarms_since(log_offset) == []
