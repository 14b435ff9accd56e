"""SESSION_ENGINE with Redis: Django's cached_db engine (sessions read from the cache,
written through to the database) on the reader-aware rows of project/signed_in.py."""

from django.contrib.sessions.backends import cached_db

from project.signed_in import ReaderSessionMixin


class SessionStore(ReaderSessionMixin, cached_db.SessionStore):
    def load(self):
        return self.refresh_last_used(super().load())
