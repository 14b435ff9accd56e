"""Request rates, from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (set from the environment).

The client address comes from DRF's `get_ident`, which honours `NUM_PROXIES`; with the
default 0 a client cannot pick its own address through `X-Forwarded-For`.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from content import ratelimits


class CurrentRatesMixin:
    # DRF copies the rates onto the class at import time; read them per request instead,
    # so a changed setting (tests, the fuzzing run) takes effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(CurrentRatesMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address."""


class SignedInRateThrottle(CurrentRatesMixin, throttling.UserRateThrottle):
    """Signed-in requests, per user."""


class SharedWriteThrottle(throttling.BaseThrottle):
    """POSTs of `scope`, per account and per client address, counted together with the
    pages' forms (content/ratelimits.py). Anonymous POSTs are refused before this runs."""

    scope = None
    wait_seconds = None

    def allow_request(self, request, view):
        if request.method != "POST" or not request.user.is_authenticated:
            return True
        self.wait_seconds = ratelimits.consume(
            self.scope, user=request.user, address=self.get_ident(request)
        )
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds


class CommentPostingThrottle(SharedWriteThrottle):
    """Posting comments: stricter than reading, against flooding a thread."""

    scope = "comments"


class ReportThrottle(SharedWriteThrottle):
    """Reporting comments, against a flood of reports."""

    scope = "reports"
