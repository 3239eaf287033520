"""The one delivery loop: claim due messages with a lease, send each in its own short
transaction, recover expired leases with a compare-and-swap.

Guarantees (tested with real workers, a real SMTP sink and SIGKILL, tests/notifications/):
- no crash: no message is sent twice, however slow the mail server (the lease is renewed
  by a heartbeat while the worker lives, and every write is conditional on holding it);
- a worker killed with SIGKILL: at most the one message it had in flight is sent twice
  (the server may have accepted it before the row was marked sent);
- nothing is lost: an expired lease puts the message back to "scheduled"; a refused,
  hanging or failing server is recorded on each message it affected, retried with
  back-off and marked failed, with the error, after MAX_ATTEMPTS.
"""

import base64
import contextlib
import datetime
import logging
import os
import smtplib
import socket
import threading
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from . import kinds, rendering
from .models import Message, MessageLog
from .services import attachment, log, muted_kinds

logger = logging.getLogger(__name__)
S = Message.State
MAX_ATTEMPTS = 5


def lease():
    return datetime.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS)


def retry_delay(attempts):
    """2, 4, 8, 16 minutes after attempts 1-4 (scaled by MESSAGE_RETRY_BASE_SECONDS)."""
    return datetime.timedelta(seconds=settings.MESSAGE_RETRY_BASE_SECONDS * 2 ** attempts)


def new_worker_id():
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Heartbeat(threading.Thread):
    """Renews the lease of every message `worker` holds, every third of the lease, for as
    long as the worker lives; a killed worker's leases simply expire."""

    def __init__(self, worker):
        super().__init__(daemon=True, name=f"lease-{worker}")
        self.worker = worker
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.MESSAGE_LEASE_SECONDS / 3):
                Message.objects.filter(state=S.SENDING, claimed_by=self.worker).update(
                    claimed_until=timezone.now() + lease())
        except Exception:  # noqa: BLE001 - a failed renewal only lets the lease expire
            logger.exception("Lease renewal of %s failed", self.worker)
        finally:
            connections.close_all()

    def stop(self):
        self.stopped.set()
        self.join(timeout=10)


def recover(*, now=None):
    """Messages whose lease expired (their worker died) go back to "scheduled", each under a
    compare-and-swap on (state, lease), so two sweeps never recover the same one twice."""
    now = now or timezone.now()
    logs = []
    with transaction.atomic():
        rows = list(Message.objects.select_for_update(skip_locked=True)
                    .filter(state=S.SENDING, claimed_until__lt=now)[:1000])
        for row in rows:
            failed = row.attempts >= MAX_ATTEMPTS
            after = S.FAILED if failed else S.SCHEDULED
            swapped = Message.objects.filter(
                pk=row.pk, state=S.SENDING, claimed_by=row.claimed_by,
                claimed_until=row.claimed_until,
            ).update(state=after, claimed_by="", claimed_until=None, send_at=now,
                     last_error=row.last_error or f"interrupted: the lease of {row.claimed_by} "
                                                   f"expired", updated_at=now)
            if swapped:
                why = (f"interrupted {row.attempts} times; given up" if failed else
                       f"lease of {row.claimed_by} expired (worker stopped); will send again")
                logs.append(log(row, S.SENDING, after, why))
        MessageLog.objects.bulk_create(logs)
    return len(logs)


def claim(*, worker, now, batch=None):
    """Up to `batch` due messages, taken for `worker` (SKIP LOCKED: parallel sweeps never
    take the same row). Returns the claimed rows."""
    batch = batch or settings.MESSAGE_BATCH_SIZE
    with transaction.atomic():
        ids = list(Message.objects.select_for_update(skip_locked=True)
                   .filter(state=S.SCHEDULED, send_at__lte=now)
                   .order_by("send_at", "pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return []
        Message.objects.filter(pk__in=ids, state=S.SCHEDULED).update(
            state=S.SENDING, claimed_by=worker, claimed_until=timezone.now() + lease(),
            attempts=F("attempts") + 1, updated_at=timezone.now())
        rows = list(Message.objects.filter(pk__in=ids, claimed_by=worker, state=S.SENDING)
                    .select_related("recipient", "training").order_by("send_at", "pk"))
        MessageLog.objects.bulk_create([log(m, S.SCHEDULED, S.SENDING,
                                            f"attempt {m.attempts} by {worker}") for m in rows])
    return rows


def _mine(message, worker):
    return Message.objects.filter(pk=message.pk, state=S.SENDING, claimed_by=worker)


def _finish(message, worker, after, why, **fields):
    """Move a message we hold to `after` (compare-and-swap on the lease) and log it."""
    now = timezone.now()
    done = _mine(message, worker).update(state=after, claimed_by="", claimed_until=None,
                                         updated_at=now, **fields)
    if done:
        log(message, S.SENDING, after, why).save()
    else:
        logger.warning("Message %s: lease lost before %s was recorded", message.pk, after)
    return done


def _content(message, kind):
    """(subject, text, html, attachments) as they will be sent."""
    if message.is_rendered and not kind.render_at_send:
        return message.subject, message.text, message.html, message.attachments
    context = kind.context(message)
    subject, text, html = rendering.render(kind.template, context)
    files = []
    calendar = kind.calendar(message, context)
    if calendar:
        files.append(attachment("invite.ics", calendar, "text/calendar"))
    return subject, text, html, files


def _email(message, content, connection):
    subject, text, html, files = content
    email = EmailMultiAlternatives(subject=subject, body=text, to=[message.address],
                                   headers={"Message-ID": rendering.message_id(message.key)},
                                   connection=connection)
    if html:
        email.attach_alternative(html, "text/html")
    for item in files:
        data = base64.b64decode(item["base64"]) if "base64" in item else item["content"]
        email.attach(item["filename"], data, item["mimetype"])
    return email


def permanent(exc):
    """A refusal the server will repeat (5xx): no point in retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _describe(exc):
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:2000]


def _failed_attempt(message, worker, exc, *, now):
    error = _describe(exc)
    if permanent(exc) or message.attempts >= MAX_ATTEMPTS:
        why = f"attempt {message.attempts} failed ({error}); given up"
        return _finish(message, worker, S.FAILED, why, last_error=error)
    retry_at = now + retry_delay(message.attempts)
    why = f"attempt {message.attempts} failed ({error}); next try at {retry_at:%H:%M} UTC"
    return _finish(message, worker, S.SCHEDULED, why, last_error=error, send_at=retry_at)


class Connection:
    """The SMTP connection of one sweep: opened lazily, thrown away after any error."""

    def __init__(self):
        self.backend = None
        self.error = None

    def get(self):
        if self.backend is None:
            backend = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
            backend.open()
            self.backend = backend
        return self.backend

    def reset(self):
        backend, self.backend = self.backend, None
        if backend is None:
            return
        with contextlib.suppress(Exception):   # a broken connection is dropped either way
            backend.close()


def send_one(message, *, worker, connection, muted):
    """Send one claimed message. Returns "sent", "cancelled", "retry", "lost" or
    "unreachable" (the server could not be reached: the caller stops the sweep)."""
    now = timezone.now()
    if not _mine(message, worker).update(claimed_until=now + lease()):
        return "lost"
    kind = kinds.get(message.kind)
    reason = "muted by the recipient" if kind.mutable and kind.name in muted else None
    reason = reason or kind.unwanted(message)
    if reason:
        _finish(message, worker, S.CANCELLED, reason)
        return "cancelled"
    try:
        content = _content(message, kind)
    except Exception as exc:  # noqa: BLE001 - a broken template fails this message only
        logger.exception("Message %s could not be rendered", message.pk)
        _finish(message, worker, S.FAILED, f"could not be rendered: {_describe(exc)}",
                last_error=_describe(exc))
        return "retry"
    try:
        backend = connection.get()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, DNS: all "unreachable"
        connection.reset()
        connection.error = exc
        _failed_attempt(message, worker, exc, now=now)
        return "unreachable"
    try:
        backend.send_messages([_email(message, content, backend)])
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the message
        connection.reset()
        _failed_attempt(message, worker, exc, now=now)
        return "retry"
    subject, text, html, files = content
    _finish(message, worker, S.SENT, f"accepted by the mail server for {message.address}",
            sent_at=timezone.now(), last_error="", subject=subject, text=text, html=html,
            attachments=files)
    return "sent"


def release(messages, *, worker, exc, now):
    """The server is unreachable: record it on every message still claimed, retry later."""
    for message in messages:
        _failed_attempt(message, worker, exc, now=now)


def deliver_due(*, now=None, batch=None):
    """Recover expired leases, then send every due message. Safe with any number of
    concurrent sweeps. Returns the number of messages sent."""
    now = now or timezone.now()
    worker = new_worker_id()
    recover(now=now)
    counts = {"sent": 0}
    heartbeat = Heartbeat(worker)
    heartbeat.start()
    connection = Connection()
    try:
        while rows := claim(worker=worker, now=now, batch=batch):
            muted = {}
            for index, message in enumerate(rows):
                if message.recipient_id not in muted:
                    muted[message.recipient_id] = muted_kinds(message.recipient)
                outcome = send_one(message, worker=worker, connection=connection,
                                   muted=muted[message.recipient_id])
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome == "unreachable":
                    release(rows[index + 1:], worker=worker, now=now, exc=connection.error)
                    return counts["sent"]
    finally:
        connection.reset()
        heartbeat.stop()
    return counts["sent"]
