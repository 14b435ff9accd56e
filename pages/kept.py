"""Values kept between renders in this process, each under a key naming the versions of
the content it was made from (content/freshness.py), so a kept value is never stale:
a change makes new keys, and the old entries age out.

Signed-in readers skip the visitor cache and get their pages rendered every time; what
those pages share with everyone (an article with its author and tags, its comments, its
neighbours, the cards of a list) is made once per version instead of once per page.
`FRAGMENT_CACHE=off` (the default in debug) turns keeping off.
"""

from django.conf import settings
from django.core.cache import caches

# Only bounds memory: a version change makes new keys.
KEPT_TIMEOUT = 600

_NOT_KEPT = object()


def kept(key, make):
    """The value kept under `key`, or `make()`'s, kept for the next time."""
    if not settings.FRAGMENT_CACHE:
        return make()
    store = caches["pages"]
    value = store.get(key, _NOT_KEPT)
    if value is _NOT_KEPT:
        value = make()
        store.set(key, value, KEPT_TIMEOUT)
    return value


def kept_many(keys, make_missing):
    """{key: value} for `keys`; `make_missing(missing_keys)` makes those not kept, as a
    {key: value} that may leave some out."""
    if not settings.FRAGMENT_CACHE:
        return make_missing(list(keys))
    store = caches["pages"]
    found = store.get_many(keys)
    if missing := [key for key in keys if key not in found]:
        made = make_missing(missing)
        store.set_many(made, KEPT_TIMEOUT)
        found.update(made)
    return found


class KeptIds:
    """A page of a list of articles, as its query and the key its ids are kept under:
    which articles a page of a public list shows, and in what order, changes only with
    the site's version, which the key names. `article_cards` reads the ids from here and
    the cards from their own keys, so a page seen before runs no query for them."""

    def __init__(self, queryset, key):
        self.queryset, self.key = queryset, key

    def ids(self):
        return kept(
            f"ids:{self.key}",
            lambda: list(self.queryset.prefetch_related(None).values_list("pk", flat=True)),
        )

    def __iter__(self):
        return iter(self.queryset)

    def __len__(self):  # Page's own length
        return len(self.ids())
