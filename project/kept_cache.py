"""The cache backend of what each process keeps for itself (`CACHES["pages"]`): kept
answers (project/visitor_cache.py) and parts of pages (pages/kept.py).

Django's local-memory cache, without the per-key check for memcached's limits: it walks
every character of every key in Python, and a list page looks up some 25 keys (its ids,
its cards, its parts), so the check cost more than the lookups. These keys are made by
our own code and never leave the process.
"""

from django.core.cache.backends.locmem import LocMemCache


class KeptCache(LocMemCache):
    def validate_key(self, key):
        pass  # keys of our own code, kept in this process only
