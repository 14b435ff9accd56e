"""The content versions PostgreSQL pushes to this process, so that a cached answer needs
no database round trip (content/freshness.py reads them here first).

Every `freshness.replace()` on PostgreSQL also runs `pg_notify()` on `CHANNEL`, in the
same transaction, with the scope, its new version and when it expires. PostgreSQL
delivers it only once that transaction has committed and is visible to new snapshots,
so a notification is never ahead of the data. Each process (gunicorn worker, dev server,
test process) starts, at its first request, one daemon thread with a connection of its
own (autocommit, `LISTEN`) that applies the notifications to `{scope: (version,
expires_at)}`. A request finds its versions there and asks the database only on a miss.

What keeps the kept versions exact:

1. They are trusted only while the listener is connected, and only entries made after
   its `LISTEN` took effect: connecting (again) empties them, so every entry is either
   a notification or a database read made while listening, and any commit after that
   read sends a notification that overwrites it.
2. A read racing a notification is not kept: the database is read between
   `lookup()` (which hands out a token: the listening generation and a count of every
   change applied) and `remember(token, …)`, which stores the read only if no change
   at all was applied meanwhile. Otherwise the request uses what it read, and the next
   one reads again.
3. Before a request looks, it applies the notifications already waiting: those on the
   listener's socket, and those the listener thread has taken off it and not yet
   applied (it holds `draining` from reading to applying, so a request that finds the
   socket empty waits for that lock, at most `DRAIN_WAIT_SECONDS`, then asks the
   database instead).
4. The process that writes forgets the scopes it replaced when its transaction commits
   (`transaction.on_commit`), so its next request reads them back: what a single server
   or the test client does shows at once, whatever the notification's timing.
5. A "site" entry whose `expires_at` has passed is not used: the database path rolls
   the version over (and announces the new one).
6. The listener's connection lost (the database restarted, the backend terminated,
   the network cut): the versions are dropped at once and every request reads the
   database, as without the push, while the thread reconnects with backoff. Nothing a
   request does waits for the listener beyond point 3's bound, or fails because of it.
7. Inside a transaction (`in_atomic_block`) the database is read, as the transaction
   sees it: it may hold replaced versions no notification has announced.
8. A forked child starts with nothing (`os.register_at_fork`) and its own listener.

What is left: an edit committed through another process shows on a request here that
starts after PostgreSQL has written the notification to this listener's socket.
PostgreSQL signals the listening backends as part of the commit, but each must be
scheduled to send it: on this 2-core machine, loaded by others, a lookup made at once
after another connection's COMMIT returned (no HTTP in between) still had the old version
in 6 to 9 % of 3,000 commits, and the new one within 2.4 ms at the median, 14 ms at
worst; a GET sent to gunicorn the moment the COMMIT returned got the old one in about 1 %
of 2,000. A request that reaches this process inside that gap, in most cases sooner than
the writer's own answer could have reached its client, may get the version before. A
network that fails silently, with no reset, is noticed by TCP keepalives after about
11 s; until then this process may miss notifications. Versions changed behind the
application's back (restoring a backup, SQL by hand) send none: restart the app servers.
"""

import atexit
import contextlib
import json
import logging
import os
import select
import threading
from datetime import datetime

import psycopg
from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "gazette_content_versions"
LISTENER_NAME = "gazette content versions listener"
# How long a request waits for the listener thread to apply what it has read.
DRAIN_WAIT_SECONDS = 0.02
# Entries kept per process; past it, the oldest are dropped (a miss reads the database).
MAX_ENTRIES = 10_000
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 30
# How long stopping waits for the listener to close its connection.
STOP_SECONDS = 2
# libpq settings for the listener's connection, unless the database's OPTIONS say
# otherwise: a connection attempt gives up, and a silently dead network is noticed.
LISTENER_CONNECTION = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 11_000,
}
# SQL that sends one notification per payload.
NOTIFY = "SELECT pg_notify(%s, payload) FROM unnest(%s::text[]) AS payload"


def announce(entries):
    """Send `entries` [(scope, version, expires_at)], just written in the current
    transaction, to every listening process (at commit); forget them here at commit."""
    if connection.vendor != "postgresql" or not entries:
        return
    with connection.cursor() as cursor:
        cursor.execute(NOTIFY, [CHANNEL, [payload(*entry) for entry in entries]])
    scopes = [scope for scope, *_ in entries]
    transaction.on_commit(lambda: forget(scopes))


def payload(scope, version, expires_at):
    """One notification's text: a scope is at most 255 characters, far under the 8,000
    bytes PostgreSQL allows."""
    return json.dumps([scope, version, expires_at.isoformat() if expires_at else None])


def lookup(scopes):
    """(entries, token): `scopes`' [(version, expires_at)] as pushed, or None when
    one is not kept or the listener is not listening; the token for `remember()`."""
    return _state.lookup(scopes)


def remember(token, entries):
    """Keep `entries` {scope: (version, expires_at)}, read from the database after
    `token` was handed out, unless a change was applied since (or the listener lost)."""
    _state.remember(token, entries)


def forget(scopes):
    """Drop the kept versions of `scopes`: the next request reads them."""
    _state.forget(scopes)


def forget_all():
    _state.forget(None)


def listening():
    return _state.listening


def stop():
    """Stop this process's listener and drop what it kept (at exit, and the test suite
    before it drops its database); the next request starts another."""
    global _state
    state, _state = _state, _State()
    state.stop()


class _State:
    def __init__(self):
        self.lock = threading.Lock()  # guards every field below
        self.draining = threading.Lock()  # held from reading notifications to applying them
        self.entries = {}
        self.listening = False
        self.generation = 0  # +1 whenever listening starts or stops
        self.changes = 0  # +1 for every change applied or forgotten
        self.connection = None
        self.fd = -1
        self.thread = None
        self.stopping = threading.Event()
        self.wake_read = self.wake_write = None  # wakes the listener thread

    # --- Requests ------------------------------------------------------------------

    def lookup(self, scopes):
        if not self.listening:
            self.start()
            return None, None
        generation = self.generation
        if not self.catch_up():
            return None, None
        with self.lock:
            if not self.listening or self.generation != generation:
                return None, None
            token = (generation, self.changes)
            try:
                return [self.entries[scope] for scope in scopes], token
            except KeyError:
                return None, token

    def catch_up(self):
        """Apply the notifications that reached this process before now; False when
        that cannot be done at once."""
        if not (_readable(self.fd) or self.draining.locked()):
            return True
        if not self.draining.acquire(timeout=DRAIN_WAIT_SECONDS):
            return False
        try:
            listener = self.connection
            if self.drain(listener):
                return True
            self.lost(listener)
            return False
        finally:
            self.draining.release()

    def remember(self, token, entries):
        if token is None:
            return
        with self.lock:
            if self.listening and (self.generation, self.changes) == token:
                self.entries.update(entries)
                self._trim()

    def forget(self, scopes):
        with self.lock:
            if scopes is None:
                self.entries.clear()
            for scope in scopes or ():
                self.entries.pop(scope, None)
            self.changes += 1

    # --- The listener ------------------------------------------------------------------

    def start(self):
        with self.lock:
            if self.thread is not None or self.stopping.is_set():
                return
            self.wake_read, self.wake_write = os.pipe()
            params = connections["default"].get_connection_params()
            for name in ("cursor_factory", "context"):
                params.pop(name, None)
            params = {
                **LISTENER_CONNECTION,
                **params,
                "application_name": LISTENER_NAME,
                "autocommit": True,
            }
            self.thread = threading.Thread(
                target=self.listen, args=(params,), name=LISTENER_NAME, daemon=True
            )
            self.thread.start()

    def listen(self, params):
        delay = RECONNECT_FIRST_SECONDS
        while not self.stopping.is_set():
            listener = None
            try:
                listener = psycopg.connect(**params)
                listener.execute(f"LISTEN {CHANNEL}")
                self.drain(listener)  # anything received meanwhile predates listening
                self.started_listening(listener)
                delay = RECONNECT_FIRST_SECONDS
                self.apply_until_lost(listener)
            except (psycopg.Error, OSError) as error:
                logger.warning(
                    "content versions listener: %s; versions are read from the database "
                    "until it listens again (in %.1f s)",
                    _first_line(error),
                    delay,
                )
            except Exception:
                logger.exception("content versions listener failed")
            finally:
                self.stopped_listening(listener)
            self.stopping.wait(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def apply_until_lost(self, listener):
        poller = select.poll()
        poller.register(listener.fileno(), select.POLLIN)
        poller.register(self.wake_read, select.POLLIN)
        while not self.stopping.is_set():
            if any(fd == self.wake_read for fd, _ in poller.poll()):
                os.read(self.wake_read, 512)
            with self.draining:
                if not self.drain(listener):
                    logger.warning(
                        "content versions listener: connection lost; versions are read "
                        "from the database until it listens again"
                    )
                    return

    def drain(self, listener):
        """Apply every notification waiting on `listener`; False when it is lost."""
        if listener is None or listener.closed:
            return False
        try:
            fd = listener.fileno()
            while _readable(fd):
                for notify in listener.notifies(timeout=0):
                    self.apply(listener, notify.payload)
        except (psycopg.Error, OSError):
            return False
        return not listener.closed

    def apply(self, listener, payload):
        try:
            scope, version, expires_at = json.loads(payload)
            entry = (version, expires_at and datetime.fromisoformat(expires_at))
        except (ValueError, TypeError):
            logger.warning("content versions listener: unreadable notification %r", payload)
            scope = entry = None
        with self.lock:
            if not self.listening or self.connection is not listener:
                return
            if scope is None:
                self.entries.clear()  # something unknown changed
            else:
                self.entries[scope] = entry
                self._trim()
            self.changes += 1

    def started_listening(self, listener):
        with self.lock:
            self.entries.clear()
            self.connection = listener
            self.fd = listener.fileno()
            self.generation += 1
            self.changes += 1
            self.listening = True
        logger.info("content versions listener: listening on %s", CHANNEL)

    def lost(self, listener):
        """A request found `listener` lost: stop trusting it now, and wake the thread."""
        with self.lock:
            if self.connection is not listener:
                return
            self._not_listening()
        with contextlib.suppress(OSError):
            os.write(self.wake_write, b"x")

    def stopped_listening(self, listener):
        with self.lock:
            self._not_listening()
        if listener is not None:
            with self.draining:  # no request is reading from it any more
                listener.close()

    def stop(self):
        self.stopping.set()
        if self.thread is not None:
            os.write(self.wake_write, b"x")
            self.thread.join(timeout=STOP_SECONDS)
            os.close(self.wake_read)
            os.close(self.wake_write)

    def _not_listening(self):
        self.listening = False
        self.entries.clear()
        self.connection = None
        self.fd = -1
        self.generation += 1
        self.changes += 1

    def _trim(self):
        while len(self.entries) > MAX_ENTRIES:
            del self.entries[next(iter(self.entries))]


def _readable(fd):
    """Whether `fd` has something to read (or is closed or failed): poll, not select,
    which fails on descriptors past 1,023."""
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return False


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _in_a_forked_child():
    # The parent's listener thread is not in the child, and its locks may be held.
    global _state
    _state = _State()


_state = _State()
os.register_at_fork(after_in_child=_in_a_forked_child)
# Closed, not dropped, when the process ends: PostgreSQL logs no broken connection.
atexit.register(stop)
