"""A signed-in reader's session and user, each loaded with one plain query.

A signed-in reader's stored page (pages/views.py `render_cached`) costs little besides
loading who they are: Django's database session engine and its authentication backends
build those two queries through the ORM on every request, which costs several times
running them (README, "Caching"). These are Django's session engine and backends with
the read written as SQL; saving, expiry, sign-in and every check stay Django's.
"""

from datetime import timedelta

from allauth.account import auth_backends
from django.contrib.auth import SESSION_KEY, backends
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from content import sessions
from content.models import Session, User

# How stale a signed-in session's "last used" may get: refreshing it costs a write, so a
# busy reader's session is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=5)


class ReaderSessionMixin:
    """Django's documented way of extending a database-backed session engine: the rows
    are content.models.Session, whose columns (reader, browser, sign-in, last use) are
    copied from the session's data on each save so the account page can list them."""

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        now = timezone.now()
        data[sessions.LAST_USED_KEY] = now.isoformat()  # before super() encodes the data
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = User._meta.pk.to_python(user_id) if user_id is not None else None
        session.user_agent = data.get(sessions.USER_AGENT_KEY, "")[:300]
        signed_in_at = data.get(sessions.SIGNED_IN_AT_KEY)
        session.signed_in_at = parse_datetime(signed_in_at) if signed_in_at else None
        session.last_used_at = now
        return session

    def refresh_last_used(self, data):
        """A signed-in session read after LAST_USED_EVERY is marked modified, so that the
        session middleware saves it (and its `last_used_at`) at the end of the request."""
        last_used = data.get(sessions.LAST_USED_KEY)
        if SESSION_KEY in data and (
            last_used is None or parse_datetime(last_used) < timezone.now() - LAST_USED_EVERY
        ):
            self.modified = True
        return data


class SessionStore(ReaderSessionMixin, db.SessionStore):
    """SESSION_ENGINE on the embedded default (PostgreSQL's sessions come from the cache)."""

    def load(self):
        connection = connections[router.db_for_read(self.model)]
        sql = (
            f"SELECT session_data FROM {self.model._meta.db_table}"  # noqa: S608 (Django's table; values are parameters)
            " WHERE session_key = %s AND expire_date > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        # No such session, or it has expired: Django's load() forgets the key.
        return self.refresh_last_used(self.decode(row[0])) if row else super().load()


class _UserByKey:
    def get_user(self, user_id):
        pk = User._meta.pk
        sql = f"SELECT * FROM {User._meta.db_table} WHERE {pk.column} = %s"  # noqa: S608 (our table; the value is a parameter)
        user = next(iter(User.objects.raw(sql, [pk.to_python(user_id)])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserByKey, backends.ModelBackend):
    """Django's: the admin's sign-in and tests' `force_login`."""


class AuthenticationBackend(_UserByKey, auth_backends.AuthenticationBackend):
    """allauth's: sign-in by e-mail or username, on the pages and through the API."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        email = credentials.get("email")
        # allauth finds an account by any of its addresses, a new one still waiting for
        # its verification included (ACCOUNT_CHANGE_EMAIL); only the address in use,
        # which the new one becomes once verified, signs in.
        if user is not None and email and user.email.casefold() != email.strip().casefold():
            return None
        return user
