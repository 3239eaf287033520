"""Sending under real conditions: two sweeps at once on PostgreSQL, and a real worker."""

import datetime
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from scheduling.models import Reminder
from scheduling.services import reminders
from tests.celery_worker import wait_for
from tests.factories import UserFactory

from .helpers import make_agenda

pytestmark = pytest.mark.django_db(transaction=True)


def due_reminders(count):
    training = make_agenda()
    user = UserFactory()
    now = timezone.now() - datetime.timedelta(minutes=1)
    Reminder.objects.bulk_create([
        Reminder(training=training, kind="thank_you", recipient=user, email=f"r{i}@example.org",
                 subject_key="thank-you", key=f"t:{i}", send_at=now)
        for i in range(count)])
    return training


def test_two_concurrent_sweeps_deliver_each_reminder_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; CI runs this test there.")
    due_reminders(200)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(reminders.sweep(batch=25))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 200
    assert all(count > 0 for count in counts), counts   # both sweeps did work
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 200
    assert len(set(recipients)) == 200                    # nobody twice
    assert Reminder.objects.filter(state="sent").count() == 200


def test_a_real_worker_delivers_a_due_reminder_exactly_once(worker):
    from config.celery import app
    from scheduling.tasks import sweep_reminders

    due_reminders(1)
    app.conf.task_always_eager = False
    try:
        for _ in range(2):   # two beats firing at once: still one email
            sweep_reminders.apply_async(queue=worker["queue"])
        assert wait_for(lambda: Reminder.objects.filter(state="sent").count() == 1), \
            "the worker did not send the reminder in time"
        import time

        time.sleep(1.5)
    finally:
        app.conf.task_always_eager = True
    sent = "".join(f.read_text() for f in Path(worker["mail_dir"]).glob("*.log"))
    assert sent.count("To: r0@example.org") == 1
