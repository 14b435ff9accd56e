"""Request rates, from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (set from the environment).

The client address comes from DRF's `get_ident`, which honours `NUM_PROXIES`; with the
default 0 a client cannot pick its own address through `X-Forwarded-For`.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class CurrentRatesMixin:
    # DRF copies the rates onto the class at import time; read them per request instead,
    # so a changed setting (tests, the fuzzing run) takes effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(CurrentRatesMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address."""


class SignedInRateThrottle(CurrentRatesMixin, throttling.UserRateThrottle):
    """Signed-in requests, per user."""


class CommentPostingThrottle(CurrentRatesMixin, throttling.UserRateThrottle):
    """Posting comments, per user: stricter than reading, against flooding a thread."""

    scope = "comments"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
