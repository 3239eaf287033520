"""Delivery with real processes: Celery workers and beats on Redis, the SMTP sink on
127.0.0.1, SIGKILL of a worker mid-batch, and the broker at a dead port while a
facilitator saves a decision. Each test asserts what the sink received per (recipient,
Message-ID), the rows' final states, and that nothing is left in "sending"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import rendering
from notifications.models import Message
from tests.celery_worker import wait_for
from tests.factories import UserFactory
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
S = Message.State


def due(count, prefix="w"):
    now = timezone.now() - datetime.timedelta(seconds=5)
    Message.objects.bulk_create([
        Message(kind="legacy", key=f"{prefix}:{i}", address=f"{prefix}{i}@example.org",
                send_at=now, subject=f"Subject {i}", text=f"Body {i}\n")
        for i in range(count)])
    return list(Message.objects.filter(key__startswith=f"{prefix}:"))


def env(sink, **extra):
    return {**sink.settings(), "EMAIL_TIMEOUT": "5", "MESSAGE_SWEEP_SECONDS": "0.5",
            **{k: str(v) for k, v in extra.items()}}


def all_sent():
    return not Message.objects.exclude(state=S.SENT).exists()


def test_two_workers_and_two_beats_with_a_server_slower_than_the_lease_send_each_once(
        workers, smtp_sink):
    smtp_sink.delay = 1.5                  # each message takes longer than the 1 s lease
    rows = due(8)
    settings = env(smtp_sink, MESSAGE_LEASE_SECONDS=1, MESSAGE_BATCH_SIZE=2)
    for _ in range(2):
        workers.worker(settings)
        workers.beat(settings)
    assert wait_for(all_sent, 90), dict(Message.objects.values_list("key", "state"))
    assert smtp_sink.counts() == {(row.address, rendering.message_id(row.key)): 1
                                  for row in rows}
    assert not Message.objects.filter(log__why__contains="expired").exists()


def test_a_worker_killed_mid_batch_costs_at_most_its_message_in_flight(workers, smtp_sink):
    smtp_sink.delay = 0.2
    rows = due(30)
    settings = env(smtp_sink, MESSAGE_LEASE_SECONDS=2, MESSAGE_BATCH_SIZE=10)
    victim = workers.worker(settings)
    workers.beat(settings)
    # the victim is working through its batch: it holds messages and has sent some
    assert wait_for(lambda: Message.objects.filter(
        state=S.SENDING, claimed_by__contains=f"-{victim.pid}-").exists()
        and smtp_sink.accepted >= 3, 60)
    workers.kill(victim)
    held = Message.objects.filter(state=S.SENDING, claimed_by__contains=f"-{victim.pid}-")
    assert held.exists()                   # the dead worker's rows wait for their lease
    workers.worker(settings)               # the survivor (a restarted worker)
    assert wait_for(all_sent, 90), dict(Message.objects.values_list("key", "state"))
    received = smtp_sink.recipients()
    assert set(received) == {row.address for row in rows}                 # nothing lost
    assert sum(received.values()) - len(rows) <= 1                        # ≤ 1 duplicate
    assert Message.objects.filter(log__why__contains="expired").exists()  # recovered


def test_a_worker_killed_while_sending_a_one_off_email_is_delivered_by_another(
        workers, smtp_sink):
    smtp_sink.delay = 3                    # the email is in flight for 3 s
    (row,) = due(1, prefix="once")
    settings = env(smtp_sink, MESSAGE_LEASE_SECONDS=1)
    victim = workers.worker(settings)
    workers.beat(settings)
    assert wait_for(lambda: smtp_sink.data_started >= 1, 60)
    workers.kill(victim)
    workers.worker(settings)
    assert wait_for(all_sent, 60), Message.objects.get(pk=row.pk).state
    assert 1 <= smtp_sink.recipients()[row.address] <= 2    # at most the one in flight again


def test_a_decision_saved_while_the_broker_is_down_answers_and_its_email_goes_later(
        client, workers, smtp_sink, settings):
    from config.celery import app
    from curriculum.models import Curriculum
    from trainings.models import Training

    curriculum = Curriculum.objects.create(slug="c", title="C")
    start = timezone.localdate() + datetime.timedelta(days=60)
    training = Training.objects.create(
        curriculum=curriculum, title="Kenya", country="KE", city="Nairobi",
        time_zone="Africa/Nairobi", start_date=start, end_date=start + datetime.timedelta(3),
        status=Training.Status.NOMINATIONS_OPEN)
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    nomination = Nomination.objects.create(training=training, full_name="Amina",
                                           email="amina@example.org", un_entity="IOM")
    client.force_login(lead)
    broker = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"          # nothing listens there
    try:
        response = client.post(reverse("trainings:decide", args=[training.pk]),
                               {"action": "approve", "nominations": [nomination.pk]})
    finally:
        app.conf.broker_url = broker
        app.conf.task_always_eager = True
    assert response.status_code == 302                     # saved, and the user is told
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED
    email = Message.objects.get(address="amina@example.org")
    assert email.state == S.SCHEDULED
    # the broker is back: the beat's sweep delivers what the nudge could not enqueue
    settings_env = env(smtp_sink)
    workers.worker(settings_env)
    workers.beat(settings_env)
    assert wait_for(lambda: smtp_sink.recipients()["amina@example.org"] == 1, 60)
    assert wait_for(lambda: Message.objects.get(pk=email.pk).state == S.SENT, 10)
