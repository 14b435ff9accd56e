"""The shared cache (Redis), with a per-process stand-in while Redis does not answer.

What the default cache holds can all be lost: sessions are backed by the database
(`cached_db`), and the rest is rate-limit counts (DRF's throttles, allauth's limits).
So an outage should cost only sharing: while Redis is unreachable, each process counts
in its own memory (limits then hold per process, not across them), sessions come from
the database, and every request still answers.

Hand-written because neither library does that: Django's RedisCache raises on every
call, and django-redis's IGNORE_EXCEPTIONS answers a failed `add` with None, which
allauth's rate-limit lock takes as "held by another": each sign-in then waits a second
and is refused. Django's turns each failure into a 500 with its traceback, django-redis
logs every ignored failure when asked to log; this logs once per interval.
"""

import logging
import threading
import time
import urllib.parse

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# After a failure, Redis is not asked again for this long: a request during an outage
# costs no connection attempt, and recovery is noticed within this time.
RETRY_SECONDS = 2
# While the outage lasts, it is logged again this often (not once per request).
LOG_INTERVAL_SECONDS = 60
# Keys written while Redis was away, removed from Redis when it answers again, so that
# it serves no copy older than the database's (a session signed out meanwhile). Past
# this many, the whole cache is emptied instead.
MAX_KEYS_TO_FORGET = 10_000
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# redis-py's own retries back off for most of a second per call (0.74 s measured against
# a closed port) when the answer is to fall back at once. One immediate retry still
# replaces a pooled connection that Redis closed when it restarted.
REDIS_OPTIONS = {"retry": Retry(NoBackoff(), 1), "socket_connect_timeout": 0.5, "socket_timeout": 1}
# Sessions and counts of one process's clients while Redis is away.
FALLBACK_MAX_ENTRIES = 10_000


class Outage:
    """One process's view of one Redis: down or not, and what to forget when it is back.
    Shared by the threads of the process (Django makes a cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since = None
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.written = set()

    def began(self, location, error):
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = now
            if now - self.logged_at >= LOG_INTERVAL_SECONDS:
                self.logged_at = now
                logger.warning(
                    "cache %s unreachable (%s): counting in this process, sessions from "
                    "the database, until it answers",
                    location,
                    error,
                )

    def ended(self, location):
        with self.lock:
            if self.down_since is None:
                return None
            seconds = time.monotonic() - self.down_since
            written, self.written = self.written, set()
            self.down_since = None
            self.logged_at = 0.0
        logger.info("cache %s answers again after %.1f s", location, seconds)
        return written


_outages = {}
_outages_lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, a local-memory cache per process."""

    def __init__(self, server, params):
        options = {**REDIS_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        # For the log: the address without the password a URL may hold.
        address = urllib.parse.urlsplit(server)
        self.location = f"{address.hostname}:{address.port or 6379}{address.path}"
        with _outages_lock:
            self.outage = _outages.setdefault(server, Outage())
        # One per process (LocMemCache shares its storage by name across the threads').
        self.fallback = LocMemCache(
            f"fallback:{server}",
            {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )

    @property
    def is_down(self):
        """Redis did not answer the last time it was asked (within RETRY_SECONDS)."""
        return self.outage.down_since is not None

    def _call(self, name, keys, *args):
        outage = self.outage
        if outage.down_since is None or time.monotonic() >= outage.retry_at:
            try:
                result = getattr(super(), name)(*args)
            except UNREACHABLE as error:
                outage.began(self.location, error)
            else:
                if outage.down_since is not None:
                    self._forget(outage.ended(self.location))
                return result
        # Past the limit, adding more changes nothing: the cache is emptied instead.
        if keys and len(outage.written) <= MAX_KEYS_TO_FORGET:
            with outage.lock:
                outage.written.update(keys)
        return getattr(self.fallback, name)(*args)

    def _forget(self, written):
        if not written:
            return
        by_version = {}
        for key, version in written:
            by_version.setdefault(version, []).append(key)
        try:
            if len(written) > MAX_KEYS_TO_FORGET:
                super().clear()
            else:
                for version, keys in by_version.items():
                    super().delete_many(keys, version)
        except UNREACHABLE as error:
            self.outage.began(self.location, error)

    # Reads name no keys; writes name the keys Redis may hold an older copy of.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", [(key, version)], key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", (), key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", [(key, version)], key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", (), key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", [(key, version)], key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", (), keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", (), key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", [(key, version)], key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [(key, version) for key in data], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", [(key, version) for key in keys], keys, version)

    def clear(self):
        return self._call("clear", ())
