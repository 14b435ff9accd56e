"""Rates per client address (anonymous) and per user, a stricter one for posting
comments, and an address that X-Forwarded-For cannot fake."""

import json

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory
from tests.settings_subprocess import STRONG_KEY, settings_in_subprocess

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:article-list")


@pytest.fixture
def rates(settings):
    """`rates(anon=..., user=..., comments=...)` sets the throttle rates for this test."""

    # Throttles guard the work of answering: a visitor's read answered from the cache
    # (project/http_cache.py) does none and is not counted, so stored answers are off here.
    settings.PAGE_CACHE = False

    def set_rates(**new_rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **new_rates,
            },
        }

    return set_rates


@pytest.fixture
def num_proxies(settings):
    def set_num_proxies(value):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": value}

    return set_num_proxies


def test_anonymous_requests_over_the_rate_get_429_with_retry_after(api, rates):
    rates(anon="3/min")
    for _ in range(3):
        assert api.get(LIST_URL).status_code == 200

    response = api.get(LIST_URL)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_spoofed_x_forwarded_for_does_not_dodge_the_limit(api, rates):
    rates(anon="3/min")
    statuses = [
        api.get(LIST_URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_behind_one_proxy_the_address_it_appended_counts(api, rates, num_proxies):
    rates(anon="2/min")
    num_proxies(1)

    def from_client(address, spoofed="198.51.100.7"):
        # The client sent `spoofed`; our proxy appended the address it saw.
        return api.get(LIST_URL, HTTP_X_FORWARDED_FOR=f"{spoofed}, {address}").status_code

    assert [from_client("192.0.2.1", spoofed=f"10.0.0.{n}") for n in range(3)] == [200, 200, 429]
    assert from_client("192.0.2.2") == 200


def test_signed_in_readers_are_limited_per_user_not_per_address(sign_in, reader, rates):
    rates(user="2/min")
    client = sign_in(reader)
    statuses = [client.get(LIST_URL, REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_posting_comments_has_its_own_stricter_rate(sign_in, reader, rates):
    rates(comments="2/min")
    article = ArticleFactory()
    client = sign_in(reader)
    url = reverse("api:article-comments", kwargs={"slug": article.slug})

    posted = [client.post(url, {"body": f"Comment {n}"}).status_code for n in range(3)]

    assert posted == [201, 201, 429]
    assert client.get(url).status_code == 200  # reading is not posting


def test_the_rates_and_proxy_count_come_from_the_environment():
    result = settings_in_subprocess(
        {
            "DJANGO_SECRET_KEY": STRONG_KEY,
            "EMAIL_URL": "smtp://mail.example:25",
            "ANON_THROTTLE_RATE": "10/min",
            "USER_THROTTLE_RATE": "1000/hour",
            "COMMENT_THROTTLE_RATE": "3/min",
            "DJANGO_NUM_PROXIES": "1",
        },
        "[settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], "
        "settings.REST_FRAMEWORK['NUM_PROXIES']]",
    )
    assert result.returncode == 0, result.stderr
    rates, num_proxies = json.loads(result.stdout)
    assert (rates["anon"], rates["user"], rates["comments"]) == ("10/min", "1000/hour", "3/min")
    assert num_proxies == 1


def test_by_default_x_forwarded_for_is_not_trusted():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "on"}, "settings.REST_FRAMEWORK['NUM_PROXIES']"
    )
    assert json.loads(result.stdout) == 0


def test_a_malformed_rate_stops_start_up_with_a_clear_message():
    result = settings_in_subprocess({"DJANGO_DEBUG": "on", "ANON_THROTTLE_RATE": "lots"})

    assert result.returncode != 0
    assert "ANON_THROTTLE_RATE must look like 100/min" in result.stderr
