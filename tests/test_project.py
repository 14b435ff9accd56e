"""Settings from the environment, health probes, and the project's own invariants."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from content.task_worker import record_worker_seen
from tests.settings_subprocess import STRONG_KEY, settings_in_subprocess

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_URL": "smtp://mail.example:25"}, "DJANGO_SECRET_KEY is required"),
        (
            {"DJANGO_SECRET_KEY": "short", "EMAIL_URL": "smtp://mail.example:25"},
            "DJANGO_SECRET_KEY is too weak",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + STRONG_KEY, "EMAIL_URL": "smtp://m:25"},
            "DJANGO_SECRET_KEY is too weak",
        ),
        ({"DJANGO_SECRET_KEY": STRONG_KEY}, "EMAIL_URL is required"),
    ],
)
def test_production_start_up_stops_with_a_clear_message_when_a_secret_is_missing(env, message):
    result = settings_in_subprocess({"DJANGO_DEBUG": "off", **env})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_start_with_a_strong_key_and_an_email_url():
    result = settings_in_subprocess(
        {"DJANGO_SECRET_KEY": STRONG_KEY, "EMAIL_URL": "smtp+tls://u:p@mail.example:587"},
        "[settings.DEBUG, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS]",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, "mail.example", 587, True]


def test_development_needs_no_environment_at_all():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "on"},
        "[settings.DEBUG, settings.EMAIL_DELIVERY_BACKEND, "
        "settings.DATABASES['default']['ENGINE'], "
        "settings.CACHES['default']['BACKEND'], settings.SITE_URL]",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        True,
        "django.core.mail.backends.console.EmailBackend",
        "django.db.backends.sqlite3",
        # Shared by every worker: the limits count once (README "The shared cache").
        "diskcache.DjangoCache",
        "http://127.0.0.1:8000",
    ]


def test_sqlite_is_tuned_for_concurrent_writers(tmp_path):
    database = tmp_path / "gazette.sqlite3"
    script = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA synchronous'); print(c.fetchone()[0]); "
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DJANGO_DEBUG": "on",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # journal_mode WAL; synchronous 1 is NORMAL.
    assert result.stdout.split() == ["wal", "1", "IMMEDIATE"]


def test_redis_url_selects_the_shared_cache_and_cached_sessions():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "on", "REDIS_URL": "redis://127.0.0.1:6379/3"},
        "[settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], "
        "settings.SESSION_ENGINE]",
    )
    assert json.loads(result.stdout) == [
        "project.cache.FallbackRedisCache",
        "redis://127.0.0.1:6379/3",
        "project.cached_sessions",
    ]


def test_postgres_url_selects_psycopg_with_persistent_connections():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "on", "DATABASE_URL": "postgres://gazette@db.example:5432/gazette"},
        "[settings.DATABASES['default'][k] for k in ('ENGINE', 'NAME', 'HOST', 'CONN_MAX_AGE')]",
    )
    assert json.loads(result.stdout) == [
        "project.postgresql",
        "gazette",
        "db.example",
        60,
    ]


@pytest.mark.django_db
def test_the_test_run_uses_the_database_and_cache_it_was_given():
    # make test's second run must really exercise PostgreSQL and Redis.
    expected_database = (
        "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    )
    expected_cache = "FallbackRedisCache" if os.environ.get("REDIS_URL") else "DjangoCache"

    assert connection.vendor == expected_database
    assert type(caches["default"]).__name__ == expected_cache


# --- Health probes ----------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here raises and fails the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_cache_and_worker(client):
    record_worker_seen()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "worker": "ok"}


# --- Project invariants -------------------------------------------------------------


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")
