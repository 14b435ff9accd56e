"""Rates of the writes both faces take (posting comments, reporting them), per account
and per client address, counted here for the pages and the API alike: a reader cannot
double their rate by switching between the form and the JSON endpoint, and one address
cannot spread a flood over many new accounts.

The rates are the API's setting (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, one per
scope, from the environment); the counts live in the shared cache (Redis when set), as
every other throttle's. Like DRF's throttles, a sliding window of timestamps per key;
two requests at the same instant may both pass, which is fine for a rate limit.
"""

import time

from django.conf import settings
from django.core.cache import cache

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(scope):
    number, period = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")
    return int(number), SECONDS[period[0]]


def consume(scope: str, *, user, address: str) -> float | None:
    """Count one write of `scope` by `user` from `address`. None when both are within the
    rate; otherwise the seconds until one more is allowed, and nothing is counted."""
    limit, window = _rate(scope)
    now = time.time()
    keys = [f"ratelimit:{scope}:account:{user.pk}", f"ratelimit:{scope}:address:{address}"]
    stored = cache.get_many(keys)
    histories = {key: [t for t in stored.get(key, []) if t > now - window] for key in keys}
    waits = [h[0] + window - now for h in histories.values() if len(h) >= limit]
    if waits:
        return max(waits)
    cache.set_many({key: [*history, now] for key, history in histories.items()}, window)
    return None
