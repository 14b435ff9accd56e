"""The forms' side of content/ratelimits.py: the same counts as the API's throttles, for
the same client address. The address is DRF's reading of the request (`X-Forwarded-For`
only as far as `NUM_PROXIES` trusted proxies appended it), so neither face trusts a
made-up header more than the other."""

import math
from dataclasses import dataclass

from rest_framework.throttling import BaseThrottle

from content import ratelimits


@dataclass(frozen=True)
class TooFast:
    wait: int  # seconds

    @property
    def message(self):
        return f"You are going too fast. Try again in {self.wait} seconds."

    def refuse(self, response):
        """`response` (a 429 page) with the Retry-After a client waits for."""
        response["Retry-After"] = str(self.wait)
        return response


def too_fast(request, scope) -> TooFast | None:
    """Counts one write of `scope` by the signed-in reader; a TooFast when over the rate."""
    address = BaseThrottle().get_ident(request)
    wait = ratelimits.consume(scope, user=request.user, address=address)
    return None if wait is None else TooFast(max(1, math.ceil(wait)))
