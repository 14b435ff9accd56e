"""Which version of the public content is current, so that cached answers are exact.

Every change a reader could see replaces a version, in the same transaction as the
change itself:

- articles, tags, article tags and authors' profiles replace "site", which every public
  page and API answer depends on;
- comments and likes replace "article:<slug>", which only that article's page, its API
  detail and its comment list depend on (no list shows counts).

A cached answer records the versions it was made from and is served only while they
are still the current ones. The versions live in the database, which every app server
shares, so an edit through one server shows on the next request to any other. On
PostgreSQL the database also pushes every new version to each process as it commits
(content/pushed_versions.py, `CONTENT_VERSIONS_PUSH`), so most requests read them from
memory. On SQLite each connection keeps what it read while the database file is
unchanged, which SQLite itself tells (`_unchanged_sqlite`).

Time changes one thing by itself: a scheduled article appears at its publication time.
"site" carries that moment (`expires_at`); the first request after it replaces the
version, so no cached answer outlives the next scheduled publication, with no cron job.
"""

import contextlib
import datetime
import secrets

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from content import pushed_versions
from content.models import Article, Comment, ContentVersion, Like, Tag, User

SITE = "site"

# Saves that change nothing public: signing in stamps `last_login`.
PRIVATE_USER_FIELDS = frozenset({"last_login", "password"})


def article_scope(slug):
    return f"article:{slug}"


def replace(*scopes):
    """Give `scopes` new versions: everything cached from the old ones is out of date."""
    rows = [
        ContentVersion(scope=scope, version=secrets.randbits(63), expires_at=_expiry(scope))
        for scope in scopes
    ]
    with transaction.atomic(savepoint=False):
        ContentVersion.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["version", "expires_at"],
        )
        pushed_versions.announce([(row.scope, row.version, row.expires_at) for row in rows])


def _expiry(scope):
    if scope != SITE:
        return None
    return Article.objects.scheduled().aggregate(next=Min("published_at"))["next"]


def current(scopes):
    """{scope: version} as of now for `scopes` (None for one never changed), and the
    moment the first of them expires (None: only a change will replace them).

    The hot path of every cached answer. From memory when this process holds them all
    (pushed on PostgreSQL, content/pushed_versions.py; kept on SQLite while nothing
    was committed, `_unchanged_sqlite`); else one indexed read by primary key, in SQL
    of its own because building the same query through the ORM costs several times
    more."""
    token = sqlite_stamp = kept = None
    if settings.CONTENT_VERSIONS_PUSH and not connection.in_atomic_block:
        kept, token = pushed_versions.lookup(scopes)
    elif connection.vendor == "sqlite" and (sqlite_stamp := _unchanged_sqlite.stamp()):
        kept = _unchanged_sqlite.lookup(sqlite_stamp, scopes)
    if kept is not None:
        versions, expires_at = _versions_and_expiry(scopes, kept)
        if expires_at is None or expires_at > timezone.now():
            return versions, expires_at
    placeholders = ", ".join(["%s"] * len(scopes))
    sql = (
        f"SELECT scope, version, expires_at FROM {ContentVersion._meta.db_table} "  # noqa: S608 (names are ours, values are parameters)
        f"WHERE scope IN ({placeholders})"
    )
    rows = {
        # SQLite hands back naive UTC; PostgreSQL an aware datetime.
        scope: (version, expires_at and expires_at.replace(tzinfo=datetime.UTC))
        for scope, version, expires_at in _first_query_of_the_request(sql, list(scopes))
    }
    read = [rows.get(scope, (None, None)) for scope in scopes]
    versions, expires_at = _versions_and_expiry(scopes, read)
    if expires_at is not None and expires_at <= timezone.now():
        # A scheduled article has just come out: a new version, and the next moment.
        replace(*(scope for scope in rows if scope == SITE))
        return current(scopes)
    pushed_versions.remember(token, dict(zip(scopes, read, strict=True)))
    if sqlite_stamp:
        _unchanged_sqlite.remember(sqlite_stamp, dict(zip(scopes, read, strict=True)))
    return versions, expires_at


def _versions_and_expiry(scopes, entries):
    versions = {scope: version for scope, (version, _) in zip(scopes, entries, strict=True)}
    expires_at = min((expiry for _, expiry in entries if expiry is not None), default=None)
    return versions, expires_at


class _unchanged_sqlite:
    """The versions a SQLite connection read, kept on it for as long as the database
    is unchanged: a cached answer then makes no query, as with pushed versions.

    SQLite says whether anything changed since: `PRAGMA data_version` moves when any
    other connection (another thread or gunicorn worker) has committed, and the
    connection's own `total_changes` moves with each row it writes itself. Neither reads
    a table. Any commit at all, not only a new version, makes the next request read the
    versions again: exact, at the cost of one read after each write."""

    ATTRIBUTE = "gazette_unchanged_versions"  # (stamp, {scope: (version, expires_at)})

    @staticmethod
    def stamp():
        """What the database is as this connection sees it, or None inside a
        transaction, whose own reads and writes are not everyone's."""
        if connection.in_atomic_block:
            return None
        connection.ensure_connection()  # the read would connect anyway
        raw = connection.connection
        if raw.in_transaction:
            return None
        (data_version,) = raw.execute("PRAGMA data_version").fetchone()
        return (raw, data_version, raw.total_changes)

    @classmethod
    def lookup(cls, stamp, scopes):
        """[(version, expires_at)] for `scopes`, if all were read at `stamp`."""
        kept_stamp, entries = getattr(connection, cls.ATTRIBUTE, (None, {}))
        if kept_stamp != stamp:
            return None
        try:
            return [entries[scope] for scope in scopes]
        except KeyError:
            return None

    @classmethod
    def remember(cls, stamp, entries):
        """Keep `entries`, read after `stamp` was taken: if anything was committed in
        between, the next stamp differs and they are read again."""
        kept_stamp, kept = getattr(connection, cls.ATTRIBUTE, (None, {}))
        if kept_stamp == stamp:
            entries = {**kept, **entries}
        setattr(connection, cls.ATTRIBUTE, (stamp, entries))


def content_versions(request, scopes):
    """{scope: version} as `request` sees them: read once per request (the visitor
    cache reads them first), so that every part of one answer agrees."""
    known = getattr(request, "content_versions", {})
    if missing := [scope for scope in scopes if scope not in known]:
        known = {**known, **current(missing)[0]}
        request.content_versions = known
    return known


def _first_query_of_the_request(sql, params):
    """Run `sql`, standing in for the health check of a kept connection.

    With CONN_HEALTH_CHECKS, Django checks a connection kept from an earlier request
    with a query of its own before the first real one: on PostgreSQL a second round trip
    for every answer that reads the versions. Here that first real query is the check: if
    the database dropped the connection, it is closed and the query runs once more on a
    new one. (An answer whose versions were pushed makes no query; Django's own check
    runs before the first query of a request that makes one.)"""
    checking = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if checking:
        connection.health_check_done = True
        try:
            return _fetch_all(sql, params)
        except (InterfaceError, OperationalError):
            connection.close()
    return _fetch_all(sql, params)


def _fetch_all(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- What replaces which version --------------------------------------------------


def _site_changed(**kwargs):
    if kwargs.get("raw"):
        return  # fixtures loading: nothing is being served from them yet
    replace(SITE)


def _tags_changed(action, **kwargs):
    if action.startswith("post_"):
        replace(SITE)


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
        return  # deleted along with its article, which replaced "site" itself
    replace(article_scope(slug))


RECEIVERS = [
    (post_save, _site_changed, Article),
    (post_delete, _site_changed, Article),
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
        signal.connect(receiver, sender=sender, dispatch_uid=f"freshness.{receiver.__name__}")


def disconnect():
    for signal, receiver, sender in RECEIVERS:
        signal.disconnect(receiver, sender=sender, dispatch_uid=f"freshness.{receiver.__name__}")


@contextlib.contextmanager
def bulk_change():
    """For writes in bulk (`seed_demo`): no version per row, which would also stop
    Django from deleting cascades by query; "site" is replaced once, at the end."""
    disconnect()
    try:
        yield
    finally:
        connect()
    replace(SITE)
