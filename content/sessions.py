"""Where a reader is signed in: their sessions (content.models.Session, the rows of
SESSION_ENGINE, project/signed_in.py) and their JWT refresh tokens (simplejwt's
OutstandingToken), listed and ended by the account page and the API alike.

A password change or reset ends every session but the one making it and blacklists every
refresh token (User.set_password calls `end_sessions`); access tokens carry a hash of the
password (simplejwt's CHECK_REVOKE_TOKEN), so they stop working at once too.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from content.models import Session

# Keys in a session's data that the session store copies into its row's columns.
USER_AGENT_KEY = "_reader_user_agent"
SIGNED_IN_AT_KEY = "_reader_signed_in_at"
LAST_USED_KEY = "_reader_last_used_at"

SESSION = "session"
REFRESH_TOKEN = "refresh_token"  # noqa: S105 (a kind of place, not a secret)


@receiver(user_logged_in, dispatch_uid="content.sessions.stamp_session")
def stamp_session(sender, request, user, **kwargs):
    """Sign-in (pages, API, admin): the session remembers the browser and when."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[USER_AGENT_KEY] = request.headers.get("User-Agent", "")[:300]
    request.session[SIGNED_IN_AT_KEY] = timezone.now().isoformat()


@dataclass(frozen=True)
class SignedIn:
    """One place a reader is signed in: a browser session or a refresh token."""

    id: str
    kind: str
    browser: str
    created: datetime | None
    last_used: datetime | None
    expires: datetime
    current: bool


def _session_id(session_key):
    # The key is the session's secret: the list names a session by a hash of it instead.
    return "s-" + hashlib.sha256(session_key.encode()).hexdigest()[:20]


def _token_id(token):
    return f"t-{token.pk}"


def _sessions(user):
    return Session.objects.filter(user=user, expire_date__gt=timezone.now()).order_by(
        "-last_used_at"
    )


def _refresh_tokens(user):
    return OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).order_by("-created_at")


def signed_in_list(user, current_session_key=None):
    """The reader's sessions, most recently used first, then their live refresh tokens."""
    places = [
        SignedIn(
            id=_session_id(session.session_key),
            kind=SESSION,
            browser=browser_summary(session.user_agent),
            created=session.signed_in_at,
            last_used=session.last_used_at,
            expires=session.expire_date,
            current=session.session_key == current_session_key,
        )
        for session in _sessions(user)
    ]
    places += [
        SignedIn(
            id=_token_id(token),
            kind=REFRESH_TOKEN,
            browser="API client",
            created=token.created_at,
            last_used=None,
            expires=token.expires_at,
            current=False,
        )
        for token in _refresh_tokens(user)
    ]
    return places


def _end_session(session_key):
    # Through the store, so cached_db's copy in the cache goes too.
    Session.get_session_store_class()(session_key=session_key).delete()


def end_one(user, place_id):
    """Ends one of the reader's sessions or refresh tokens; False if they have no such."""
    for session_key in _sessions(user).values_list("session_key", flat=True):
        if _session_id(session_key) == place_id:
            _end_session(session_key)
            return True
    for token in _refresh_tokens(user):
        if _token_id(token) == place_id:
            BlacklistedToken.objects.get_or_create(token=token)
            return True
    return False


def end_sessions(user, keep_session_key=None):
    """Signs the reader out everywhere (but the session `keep_session_key`): ends their
    sessions and blacklists every refresh token they hold."""
    for session_key in Session.objects.filter(user=user).values_list("session_key", flat=True):
        if session_key != keep_session_key:
            _end_session(session_key)
    for token in _refresh_tokens(user):
        BlacklistedToken.objects.get_or_create(token=token)


# (user agent fragment, name), first match wins: Edge and Opera also say "Chrome",
# Chrome also says "Safari". A short list in plain Python: the page only needs a hint.
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def browser_summary(user_agent):
    """'Firefox on Linux' from a User-Agent header; 'Unknown browser' when it says nothing
    we know."""
    browser = next((name for part, name in _BROWSERS if part in user_agent), None)
    system = next((name for part, name in _SYSTEMS if part in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
