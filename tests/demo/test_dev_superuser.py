"""`manage.py ensure_dev_superuser`: the sign-in `make run` prints, and never in production."""

import os

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from content.models import User


@pytest.mark.django_db
def test_the_development_superuser_is_refused_with_debug_off():
    assert not settings.DEBUG
    with pytest.raises(CommandError):
        call_command("ensure_dev_superuser")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_development_superuser_can_sign_in_to_the_admin(client, settings):
    settings.DEBUG = True
    call_command("ensure_dev_superuser", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("ensure_dev_superuser", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert User.objects.filter(is_superuser=True).count() == 1
    assert client.login(username="admin", password="gazette-dev-admin")
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_development_superuser_can_sign_in_on_the_site(client, settings):
    settings.DEBUG = True
    call_command("ensure_dev_superuser", stdout=open(os.devnull, "w"))  # noqa: SIM115

    client.post("/accounts/login/", {"login": "admin", "password": "gazette-dev-admin"})

    assert client.get("/bookmarks/").status_code == 200
