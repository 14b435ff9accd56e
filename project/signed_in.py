"""A signed-in reader's session and user, each loaded with one plain query.

A signed-in reader's stored page (pages/views.py `render_cached`) costs little besides
loading who they are: Django's database session engine and its authentication backends
build those two queries through the ORM on every request, which costs several times
running them (README, "Caching"). These are Django's session engine and backends with
the read written as SQL; saving, expiry, sign-in and every check stay Django's.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from content.models import User


class SessionStore(db.SessionStore):
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
        return self.decode(row[0]) if row else super().load()


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
