"""Production settings: Django's deployment checklist passes, and https is enforced.

Each case imports the settings in a subprocess with a production environment (debug off,
a strong key, an https SITE_URL), as a deployment would, and not this test process's.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
ONE_YEAR = 365 * 24 * 60 * 60


def production_env(**overrides):
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "SITE_URL": "https://gazette.example",
        "DJANGO_ALLOWED_HOSTS": "gazette.example",
        "EMAIL_URL": "smtp+tls://mailer:secret@mail.example:587",
        **overrides,
    }


def run_python(args, env):
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


SETTINGS_SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


def settings_under(env):
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SETTINGS_SHOWN}}}))"
    )
    result = run_python(["-c", script], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deployment_checklist_passes_with_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checklist_fails_a_production_site_on_plain_http():
    # The check is not a formality: the same settings with an http SITE_URL fail it.
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SITE_URL="http://gazette.example"),
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


def test_production_redirects_to_https_and_keeps_cookies_to_https_and_same_site():
    found = settings_under(production_env())

    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_HTTPONLY"] is True
    assert found["SESSION_COOKIE_SAMESITE"] == found["CSRF_COOKIE_SAMESITE"] == "Lax"
    # Without a named header, a forwarded scheme is not trusted.
    assert found["SECURE_PROXY_SSL_HEADER"] is None


def test_the_proxy_header_for_https_comes_from_the_environment():
    found = settings_under(production_env(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))

    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"SITE_URL": "http://127.0.0.1:8000"},
        {"DJANGO_SECURE_SSL_REDIRECT": "off", "SITE_URL": "http://127.0.0.1:8000"},
    ],
    ids=["http-site-url", "explicit-off"],
)
def test_a_production_like_run_on_plain_http_neither_redirects_nor_loses_its_cookies(overrides):
    # make serve, the quality gates and the benchmark: gunicorn on http://127.0.0.1.
    found = settings_under(production_env(DJANGO_ALLOWED_HOSTS="127.0.0.1", **overrides))

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["CSRF_COOKIE_SECURE"] is False
