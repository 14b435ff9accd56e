"""The shared cache is optional at run time: with Redis unreachable (an address nothing
listens on), pages, the API, sign-in and posting answer as usual, limits still hold per
process, /readyz says the cache is down, and the outage is logged once, not per request.
tests/ops/test_cache_outage.py kills a real Redis under load and brings it back."""

import logging
import os
import time
import urllib.parse

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from bench.server import free_port
from project.cache import FallbackRedisCache
from tests.factories import ArticleFactory, verified_user
from tests.ops.tcp_proxy import TcpProxy

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def redis_unreachable():
    """The default cache is Redis at a port nobody listens on; sessions as with Redis."""
    unreachable = {
        "BACKEND": "project.cache.FallbackRedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
    }
    with override_settings(
        CACHES={**settings.CACHES, "default": unreachable},
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        yield


def test_pages_api_sign_in_and_posting_answer_while_redis_is_unreachable(client, redis_unreachable):
    article = ArticleFactory()
    verified_user(username="ada")

    assert client.get("/").status_code == 200
    assert client.get(reverse("api:article-list")).status_code == 200
    signed_in = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/bookmarks/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    posted = client.post(
        reverse("api:article-comments", kwargs={"slug": article.slug}),
        {"body": "Still here."},
        content_type="application/json",
    )
    assert posted.status_code == 201


def test_readyz_names_the_cache_while_redis_is_unreachable(client, redis_unreachable):
    response = client.get("/readyz")

    assert response.status_code == 503
    answer = response.json()
    assert (answer["status"], answer["database"], answer["cache"]) == ("unavailable", "ok", "error")


def test_throttles_still_count_in_each_process_while_redis_is_unreachable(
    redis_unreachable, settings
):
    # Per process, not off: a brute force gains at most the number of processes.
    settings.PAGE_CACHE = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    api = APIClient()

    statuses = [api.get(reverse("api:article-list")).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]


def test_failed_sign_ins_are_still_limited_while_redis_is_unreachable(client, redis_unreachable):
    verified_user(username="target")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target", "password": "wrong"})

    blocked = client.post("/accounts/login/", {"login": "target", "password": PASSWORD})

    assert "Too many" in blocked.content.decode()
    assert client.get("/bookmarks/").status_code == 302


def test_an_outage_is_logged_once_not_per_request(client, redis_unreachable, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(10):
            assert client.get(reverse("api:article-list")).status_code == 200
            assert client.get("/readyz").status_code == 503

    (logged,) = [record.getMessage() for record in caplog.records]
    assert "unreachable" in logged


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (make test's second run)")
def test_redis_forgets_what_changed_during_an_outage_when_it_is_back():
    # A session signed out while Redis was cut off must not come back from Redis's copy.
    redis = urllib.parse.urlsplit(settings.CACHES["default"]["LOCATION"])
    proxy = TcpProxy(free_port(), (redis.hostname, redis.port or 6379))
    proxy.start()
    cache = FallbackRedisCache(
        f"redis://127.0.0.1:{proxy.port}{redis.path}", {"KEY_PREFIX": "outage-test"}
    )
    try:
        cache.set("session", "signed in")
        proxy.stop()
        cache.delete("session")
        assert cache.is_down

        proxy.start()
        deadline = time.monotonic() + 10
        while cache.is_down:
            assert time.monotonic() < deadline, "the cache did not notice Redis was back"
            time.sleep(0.1)
            cache.get("probe")  # asks Redis again once RETRY_SECONDS have passed

        assert cache.get("session") is None
    finally:
        cache.clear()
        proxy.stop()
