"""The delivery loop against a real SMTP server on 127.0.0.1 that refuses, hangs, answers
451 or 550, drops the connection, or is slower than the lease; and the lease's
compare-and-swap. In-process (the real-worker versions are in test_delivery_workers.py)."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from notifications import delivery, rendering
from notifications.models import Message
from tests.factories import UserFactory
from tests.notifications.smtp_sink import free_port

pytestmark = pytest.mark.django_db
S = Message.State


def due(count, *, prefix="m", kind="legacy"):
    """`count` rendered messages due now, to distinct addresses."""
    now = timezone.now() - datetime.timedelta(seconds=5)
    Message.objects.bulk_create([
        Message(kind=kind, key=f"{prefix}:{i}", address=f"{prefix}{i}@example.org", send_at=now,
                subject=f"Subject {i}", text=f"Body {i}\n", html=f"<p>Body {i}</p>")
        for i in range(count)])
    return list(Message.objects.filter(key__startswith=f"{prefix}:").order_by("pk"))


@pytest.fixture
def smtp(settings, smtp_sink):
    for name, value in smtp_sink.settings().items():
        setattr(settings, name, int(value) if name == "EMAIL_PORT" else value)
    settings.EMAIL_TIMEOUT = 2
    return smtp_sink


def states():
    return dict(Message.objects.values_list("key", "state"))


def test_each_message_is_sent_once_with_a_stable_message_id_and_both_parts(smtp):
    rows = due(5)
    assert delivery.deliver_due() == 5
    assert delivery.deliver_due() == 0
    assert smtp.counts() == {(m.address, rendering.message_id(m.key)): 1 for m in rows}
    email = smtp.messages[0]
    assert email.is_multipart()
    assert {part.get_content_type() for part in email.walk()} >= {"text/plain", "text/html"}
    assert set(states().values()) == {S.SENT}
    row = Message.objects.get(key="m:0")
    assert [(e.before, e.after) for e in row.log.all()] == [("scheduled", "sending"),
                                                            ("sending", "sent")]
    assert row.claimed_by == "" and row.claimed_until is None and row.sent_at is not None


def test_a_server_refusing_connections_is_recorded_on_every_claimed_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()   # nothing listens
    rows = due(3)
    started = timezone.now()
    assert delivery.deliver_due() == 0
    for row in Message.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.state == S.SCHEDULED                       # not stuck in "sending"
        assert row.attempts == 1
        assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
        assert row.send_at >= started + datetime.timedelta(minutes=2)   # back-off
        assert row.log.last().why.startswith("attempt 1 failed")


def test_a_server_that_never_answers_times_out_and_nothing_is_stuck(settings, black_hole):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", black_hole.port
    settings.EMAIL_TIMEOUT = 1
    due(3)
    started = time.monotonic()
    assert delivery.deliver_due() == 0
    assert time.monotonic() - started < 10                    # EMAIL_TIMEOUT, not forever
    rows = list(Message.objects.all())
    assert {r.state for r in rows} == {S.SCHEDULED}
    assert all("timed out" in r.last_error.lower() for r in rows), [r.last_error for r in rows]


def test_a_temporary_refusal_is_retried_with_back_off_then_sent_once(smtp):
    smtp.answer = "451 4.3.0 Try again later"
    rows = due(2)
    delivery.deliver_due()
    first = Message.objects.get(pk=rows[0].pk)
    assert first.state == S.SCHEDULED and first.attempts == 1
    assert "451" in first.last_error
    smtp.answer = None
    later = timezone.now() + datetime.timedelta(minutes=3)
    assert delivery.deliver_due(now=later) == 2
    assert smtp.recipients() == {r.address: 1 for r in rows}
    assert set(states().values()) == {S.SENT}


def test_a_permanent_refusal_fails_at_once_with_the_servers_words(smtp):
    smtp.answer = "550 5.1.1 No such user here"
    (row,) = due(1)
    delivery.deliver_due()
    row.refresh_from_db()
    assert row.state == S.FAILED and row.attempts == 1
    assert "No such user here" in row.last_error
    assert row.log.last().why.endswith("given up")


def test_after_five_failed_attempts_a_message_fails_with_the_error(smtp):
    smtp.answer = "451 4.3.0 Try again later"
    (row,) = due(1)
    moment = timezone.now()
    for attempt in range(1, 6):
        delivery.deliver_due(now=moment)
        row.refresh_from_db()
        assert row.attempts == attempt
        moment = row.send_at + datetime.timedelta(seconds=1)
    assert row.state == S.FAILED
    assert "451" in row.last_error
    assert smtp.received == []


def test_a_dropped_connection_fails_one_message_and_the_rest_go_on_a_new_one(smtp):
    smtp.drop_after = 2
    rows = due(5)
    assert delivery.deliver_due() == 4
    third = Message.objects.get(pk=rows[2].pk)
    assert third.state == S.SCHEDULED and third.attempts == 1 and third.last_error
    assert delivery.deliver_due(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert smtp.recipients() == {r.address: 1 for r in rows}


def test_a_recovered_message_can_never_be_sent_by_the_worker_that_lost_it(smtp, settings):
    (row,) = due(1)
    (claimed,) = delivery.claim(worker="old", now=timezone.now())
    # the old worker stalls; its lease expires and another sweep recovers the message
    Message.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert delivery.recover() == 1
    assert delivery.recover() == 0                     # recovered once, not twice
    outcome = delivery.send_one(claimed, worker="old", connection=delivery.Connection(),
                                muted=set())
    assert outcome == "lost"
    assert smtp.received == []
    assert delivery.deliver_due() == 1
    assert len(smtp.received) == 1
    row.refresh_from_db()
    assert [e.after for e in row.log.all()] == ["sending", "scheduled", "sending", "sent"]
    assert "expired" in row.log.all()[1].why


def test_an_interrupted_message_is_given_up_after_the_last_attempt(smtp):
    (row,) = due(1)
    Message.objects.filter(pk=row.pk).update(
        state=S.SENDING, attempts=delivery.MAX_ATTEMPTS, claimed_by="dead",
        claimed_until=timezone.now() - datetime.timedelta(minutes=1))
    delivery.recover()
    row.refresh_from_db()
    assert row.state == S.FAILED
    assert "expired" in row.last_error


def test_muted_kinds_are_cancelled_at_send_time(smtp):
    from notifications.services import set_muted

    user = UserFactory()
    set_muted(user=user, kind_names=["session_24h", "nomination_deadline"])
    muted, kept = due(2, kind="session_24h")
    Message.objects.filter(pk=muted.pk).update(recipient=user)
    # nomination_deadline is not mutable: it goes out although the user asked
    Message.objects.filter(pk=kept.pk).update(recipient=user, kind="legacy")
    delivery.deliver_due()
    assert states() == {muted.key: S.CANCELLED, kept.key: S.SENT}


@pytest.mark.django_db(transaction=True)
def test_sweeps_every_quarter_second_with_a_server_slower_than_the_lease_send_nothing_twice(
        smtp, settings):
    """One sweep works through the whole batch while other sweeps start every 0.2 s (as
    beats would), each message taking longer than the lease: the heartbeat keeps the lease,
    so no other sweep ever takes over a message in flight or waiting in the batch."""
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; CI runs this test there.")
    settings.MESSAGE_LEASE_SECONDS = 0.6
    smtp.delay = 1.0                                      # every message outlives the lease
    rows = due(6)
    counts = []

    def first():
        try:
            counts.append(delivery.deliver_due(batch=6))
        finally:
            connection.close()

    def beat():
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and \
                    Message.objects.exclude(state=S.SENT).exists():
                counts.append(delivery.deliver_due(batch=6))
                time.sleep(0.2)   # the beat's period: the thing simulated, not a wait
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=beat)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert smtp.counts() == {(r.address, rendering.message_id(r.key)): 1 for r in rows}
    assert sum(counts) == 6
    assert set(states().values()) == {S.SENT}
    assert not Message.objects.filter(log__why__contains="expired").exists()
