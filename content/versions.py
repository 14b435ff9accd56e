"""Content versions: which state of the public content is current, so that a cached
answer is never stale.

Every change a reader could see gives a scope a new random version, in the same
transaction as the change itself:

- articles, tags, article tags, authors' profiles and articles' former slugs (which
  old addresses redirect) change "site", which every public page and API answer
  depends on;
- comments and likes change "article:<slug>", which only that article's page, its API
  detail and its comment list depend on (no list shows counts).

A cached answer is stored under a key naming the versions it was made from
(project/http_cache.py for visitors' whole answers, `cached()` below for what the views
store), so an edit makes new keys and the old entries age out. The versions live in the
database that every app server shares and are read once per request, so an edit through
one server shows on the very next request to any other.

Time changes one thing by itself: a scheduled article appears at its publication time.
"site" carries that moment (`expires_at`); the first request after it bumps the
version, so no cached answer outlives the next scheduled publication, with no cron job.
"""

import contextlib
import datetime
import secrets

from django.core.cache import caches
from django.db import connection
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from content.models import Article, ArticleRedirect, Comment, ContentVersion, Like, Tag, User

SITE = "site"
# Only bounds memory: a change of version makes new keys.
VIEW_CACHE_TIMEOUT = 600

# Saves that change nothing public: signing in stamps `last_login`.
PRIVATE_USER_FIELDS = frozenset(
    {"last_login", "password", "email_on_reply", "email_on_article_comment"}
)


def article_scope(slug):
    return f"article:{slug}"


def scopes_of_article(slug):
    """What one article's page, API detail and comment list depend on."""
    return [SITE, article_scope(slug)]


def bump(*scopes):
    """Give `scopes` new versions: everything cached from the old ones is out of date."""
    rows = [
        ContentVersion(scope=scope, version=secrets.randbits(63), expires_at=_expiry(scope))
        for scope in scopes
    ]
    ContentVersion.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["version", "expires_at"],
    )


def _expiry(scope):
    if scope != SITE:
        return None
    return Article.objects.scheduled().aggregate(next=Min("published_at"))["next"]


def current(scopes):
    """({scope: version} as of now, the moment the first of them expires or None): one
    read by primary key. A scope never changed has version None.

    The one query of a cached answer, in SQL of its own: building it through the ORM
    costs several times the read itself (measured in the README, "Caching")."""
    placeholders = ", ".join(["%s"] * len(scopes))
    table = ContentVersion._meta.db_table
    sql = f"SELECT scope, version, expires_at FROM {table} WHERE scope IN ({placeholders})"  # noqa: S608 (our names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(scopes))
        rows = {
            # SQLite hands back naive UTC; PostgreSQL an aware datetime.
            scope: (version, expires_at and expires_at.replace(tzinfo=datetime.UTC))
            for scope, version, expires_at in cursor.fetchall()
        }
    expires_at = min((at for _, at in rows.values() if at is not None), default=None)
    if expires_at is not None and expires_at <= timezone.now():
        bump(SITE)  # a scheduled article has just come out
        return current(scopes)
    return {scope: rows.get(scope, (None, None))[0] for scope in scopes}, expires_at


def of_request(request, scopes):
    """{scope: version} as `request` sees them: read once per request, so everything one
    answer is made of agrees."""
    known = getattr(request, "content_versions", {})
    if missing := [scope for scope in scopes if scope not in known]:
        known = request.content_versions = {**known, **current(missing)[0]}
    return {scope: known[scope] for scope in scopes}


def cached(request, name, make, scopes=(SITE,)):
    """`make()`'s value, stored in the `views` cache under `name` and the versions of
    `scopes` as `request` sees them: for what only a change of public content changes (a
    count, the tag, author or article a page shows, a rendered public page)."""
    key = ":".join([name, *map(str, of_request(request, scopes).values())])
    return caches["views"].get_or_set(key, make, VIEW_CACHE_TIMEOUT)


# --- What bumps which version -----------------------------------------------------


def _site_changed(**kwargs):
    if not kwargs.get("raw"):  # fixtures loading: nothing is served from them yet
        bump(SITE)


def _tags_changed(action, **kwargs):
    if action.startswith("post_"):
        bump(SITE)


def _user_changed(instance, created=False, update_fields=None, **kwargs):
    # A new account shows nowhere until it publishes; signing in changes nothing public.
    if created or (update_fields and PRIVATE_USER_FIELDS.issuperset(update_fields)):
        return
    _site_changed(**kwargs)


def _reaction_changed(instance, **kwargs):
    if kwargs.get("raw"):
        return
    try:
        slug = instance.article.slug
    except Article.DoesNotExist:
        return  # deleted along with its article, which bumped "site" itself
    bump(article_scope(slug))


RECEIVERS = [
    (post_save, _site_changed, Article),
    (post_delete, _site_changed, Article),
    (post_save, _site_changed, ArticleRedirect),
    (post_delete, _site_changed, ArticleRedirect),
    (m2m_changed, _tags_changed, Article.tags.through),
    (post_save, _site_changed, Tag),
    (post_delete, _site_changed, Tag),
    (post_save, _user_changed, User),
    (post_delete, _site_changed, User),
    (post_save, _reaction_changed, Comment),
    (post_delete, _reaction_changed, Comment),
    (post_save, _reaction_changed, Like),
    (post_delete, _reaction_changed, Like),
]


def connect():
    for signal, receiver, sender in RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=f"versions.{receiver.__name__}")


def disconnect():
    for signal, receiver, sender in RECEIVERS:
        signal.disconnect(receiver, sender=sender, dispatch_uid=f"versions.{receiver.__name__}")


@contextlib.contextmanager
def bulk_change():
    """For writes in bulk (`seed_demo`): no version per row, which would also stop
    Django from deleting cascades by query; "site" is bumped once, at the end."""
    disconnect()
    try:
        yield
    finally:
        connect()
    bump(SITE)
