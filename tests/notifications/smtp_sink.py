"""A real SMTP server on 127.0.0.1 for delivery tests (aiosmtpd in a thread), that can be
told to misbehave: slow, answering 451, dropping the connection after N messages; plus a
"black hole" that accepts connections and never answers, and a port where nothing listens.

It records every message it accepted: `sink.received` is a list of
(recipient, Message-ID, subject); `sink.counts()` counts per (recipient, Message-ID).
"""

import asyncio
import logging
import socket
import threading
from collections import Counter
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        with sink.lock:
            sink.data_started += 1
        if sink.delay:
            await asyncio.sleep(sink.delay)
        with sink.lock:
            if sink.answer:
                return sink.answer
            if sink.drop_after is not None and sink.accepted >= sink.drop_after:
                sink.drop_after = None if sink.drop_once else sink.drop_after
                session_transport = server.transport
                session_transport.abort()   # the connection breaks mid-conversation
                return "421 4.4.2 connection dropped"
            email = message_from_bytes(envelope.content)
            for recipient in envelope.rcpt_tos:
                sink.received.append((recipient, email["Message-ID"], email["Subject"]))
            sink.accepted += 1
            sink.messages.append(email)
        return "250 2.0.0 OK"


class Sink:
    """An SMTP server on 127.0.0.1:<port>; `delay`, `answer` and `drop_after` change its
    behaviour at any time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received, self.messages = [], []
        self.accepted = 0
        self.data_started = 0       # messages whose content the server has begun to take
        self.delay = 0.0
        self.answer = None          # e.g. "451 4.3.0 try again later"
        self.drop_after = None      # abort the connection once this many were accepted
        self.drop_once = True
        self.port = free_port()
        self.controller = Controller(Handler(self), hostname="127.0.0.1", port=self.port,
                                     ready_timeout=10)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def counts(self):
        with self.lock:
            return Counter((recipient, message_id) for recipient, message_id, _s in self.received)

    def recipients(self):
        with self.lock:
            return Counter(recipient for recipient, _m, _s in self.received)

    def settings(self):
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port)}


class BlackHole:
    """Accepts TCP connections and never says a word (a hung mail server)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.held = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        self.server.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                connection, _address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(connection)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        for connection in self.held:
            connection.close()
        self.server.close()


@pytest.fixture
def smtp_sink():
    sink = Sink().start()
    yield sink
    sink.stop()


@pytest.fixture
def black_hole():
    hole = BlackHole().start()
    yield hole
    hole.stop()
