"""A real SMTP server for the tests (aiosmtpd), on a free port of 127.0.0.1, in a thread.

    server = SMTPServer().start()      # or the `smtp_server` fixture of tests/conftest.py
    env["EMAIL_URL"] = server.url      # smtp://127.0.0.1:<port>
    server.wait_for(1)                 # the messages, once one has arrived (else fails)
    server.slow(5)                     # every reply 5 s late; slow(0): on time again
    server.stall()                     # accepts connections and never answers
    server.stop(); server.start()      # down (the port refuses), and up again, same port

Messages are parsed `email.message.EmailMessage`s (`message["To"]`,
`message.get_body(("plain",)).get_content()`), in the order they arrived.
"""

import asyncio
import email
import email.policy
import logging
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from bench.server import free_port

# aiosmtpd logs every command at INFO: a failing test's output would be mostly that.
logging.getLogger("mail.log").setLevel(logging.WARNING)

# A stalled server's replies wait this long: longer than any test.
FOREVER = 24 * 3600


class DelayedSMTP(SMTP):
    """aiosmtpd's SMTP session, sending each reply (the greeting too) as late as its
    server's `delay` says at that moment."""

    async def push(self, status):
        if seconds := self.event_handler.delay:
            await asyncio.sleep(seconds)
        await super().push(status)


class DelayedController(Controller):
    def factory(self):
        return DelayedSMTP(self.handler, **self.SMTP_kwargs)


class SMTPServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages = []
        self.delay = 0
        self._arrived = threading.Condition()
        self._controller = None

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        """Listen (again) on the server's port, answering on time."""
        self.delay = 0
        # A new controller each time: a stopped one has closed its event loop.
        self._controller = DelayedController(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self):
        """Down: the port refuses connections, and open sessions end unanswered."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def slow(self, seconds):
        """Send every reply `seconds` late (0: on time), from the next reply on."""
        self.delay = seconds

    def stall(self):
        """Accept connections and never answer (a mail server hung, or a black hole)."""
        self.slow(FOREVER)

    def clear(self):
        with self._arrived:
            self.messages.clear()

    def wait_for(self, count, timeout=10):
        """The messages once at least `count` have arrived; AssertionError after
        `timeout` seconds naming how many did."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"{len(self.messages)} of {count} e-mails in {timeout} s"
                self._arrived.wait(remaining)
            return list(self.messages)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
