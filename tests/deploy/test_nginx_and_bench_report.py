"""deploy/nginx.conf passes `nginx -t` as the benchmark runs it, and the benchmark's
report reads its figures right. No wrk runs here: `make bench` does those."""

import os
import shutil

import pytest

from bench import nginx, report
from bench.server import ServerError


def _run(measurements, backend="sqlite", articles=10000):
    return {"backend": backend, "articles": articles, "measurements": measurements, "notes": []}


def _row(rps, **extra):
    return {"rps": rps, "p50_ms": 1.0, "p99_ms": 2.0, **extra}


@pytest.fixture
def nginx_config(tmp_path):
    return nginx.write_config(
        tmp_path,
        port=8089,
        upstream="127.0.0.1:8088",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
    )


def test_shipped_nginx_configuration_passes_nginx_t(nginx_config):
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        # `make test` installs it (make test-tools); only a bare pytest may lack it.
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing: make test-tools installs it")
        pytest.skip("nginx is missing: make test-tools installs it")
    nginx.check_config(nginx_config)


def test_generated_configuration_keeps_everything_on_loopback_and_in_its_folder(
    nginx_config, tmp_path
):
    text = nginx_config.read_text()
    assert "listen 127.0.0.1:8089;" in text
    assert "server 127.0.0.1:8088;" in text
    assert "/var/" not in text
    assert "/run/" not in text
    assert f"proxy_cache_path {tmp_path / 'cache'}" in text
    assert f"pid {tmp_path / 'nginx.pid'};" in text


def test_shipped_configuration_never_caches_personal_requests():
    text = nginx.SHIPPED.read_text()
    assert "proxy_cache_bypass $gazette_personal;" in text
    assert "proxy_no_cache $gazette_personal;" in text
    assert "$cookie_sessionid$http_authorization" in text
    # Freshness is the app's (Cache-Control, s-maxage), never a fixed nginx default.
    assert "proxy_cache_valid" not in text.replace("No proxy_cache_valid", "")
    assert "proxy_ignore_headers" not in text.replace("proxy_ignore_headers is left", "")


def test_a_directive_the_benchmark_cannot_find_stops_it():
    text = nginx.SHIPPED.read_text().replace("listen 80;", "listen 8080;")
    with pytest.raises(ServerError, match="listen"):
        nginx.render_config(
            text, port=1, upstream="127.0.0.1:2", workdir="/w", static_root="/s", media_root="/m"
        )


def test_ratio_is_against_healthz_of_the_same_run():
    measurements = {"healthz": _row(2000), "home": _row(1700), "detail": _row(500)}
    assert report.ratio(measurements, "home") == pytest.approx(0.85)
    assert report.ratio(measurements, "detail") == pytest.approx(0.25)
    assert report.ratio(measurements, "search") is None


def test_table_shows_each_figure_and_its_ratio():
    run = _run(
        {"healthz": _row(2000), "render_detail": _row(800, queries=6)},
    )
    lines = report.table(run).splitlines()
    assert lines[0] == "sqlite, 10,000 articles"
    detail = next(line for line in lines if line.startswith("detail, page cache off"))
    assert "800" in detail
    assert "0.40" in detail
    assert "6 queries" in detail


def test_targets_pass_and_fail_on_their_limits():
    run = _run(
        {
            "healthz": _row(1000),
            "home": _row(800),
            "list": _row(799),
            "render_detail": _row(300, queries=9),
            "nginx_static": _row(10000),
            "nginx_page": _row(5000),
        }
    )
    verdicts = {item["target"]: item["verdict"] for item in report.targets([run])}
    assert verdicts["home ≥ 0.8 × healthz"] == "PASS"
    assert verdicts["article list, page 1 ≥ 0.8 × healthz"] == "FAIL"
    assert verdicts["detail, page cache off ≥ 0.3 × healthz"] == "PASS"
    assert verdicts["detail, page cache off: ≤ 8 queries"] == "FAIL"
    assert verdicts["search ≥ 0.8 × healthz"] == "n/a"
    assert verdicts["nginx cache: page ≥ 0.5 × page-sized static file"] == "PASS"


def test_the_larger_data_set_may_be_at_most_ten_percent_worse():
    small = _run({"healthz": _row(1000), "list_50": _row(500)}, articles=10000)
    large = _run({"healthz": _row(2000), "list_50": _row(880)}, articles=100000)
    (verdict,) = [
        item for item in report.scale_targets([large, small]) if "page 50" in item["target"]
    ]
    assert verdict["value"] == pytest.approx(0.88)
    assert verdict["verdict"] == "FAIL"
    assert verdict["run"] == "sqlite, 100,000 vs 10,000 articles"


def test_report_files_are_written(tmp_path):
    run = _run({"healthz": _row(1000), "home": _row(900)})
    result = {
        "settings": {
            "started": "now",
            "duration": 2,
            "connections": 4,
            "threads": 1,
            "quick": True,
        },
        "runs": [run],
        "targets": report.targets([run]),
    }
    paths = report.write(result, tmp_path)
    assert "| home | 900 |" in paths["markdown"].read_text()
    assert paths["chart"].read_bytes().startswith(b"\x89PNG")
