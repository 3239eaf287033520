"""A real Celery worker against Redis (REDIS_URL, as in CI) delivers a queued email once."""

import time
from pathlib import Path

import pytest

from tests.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_delivers_a_queued_email_exactly_once(worker):
    from config.celery import app
    from mailer.models import OutgoingEmail
    from mailer.tasks import deliver_email

    email = OutgoingEmail.objects.create(key="worker-1", to="w@example.org",
                                         subject="Through the worker", body="Hello")
    app.conf.task_always_eager = False
    try:
        for _ in range(2):  # the same task twice: still one email
            deliver_email.apply_async(args=[email.pk], queue=worker["queue"])
        assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).state == "sent"), \
            "the worker did not deliver the email in time"
        time.sleep(1.5)  # give the duplicate task time to run
    finally:
        app.conf.task_always_eager = True
    files = list(Path(worker["mail_dir"]).glob("*.log"))
    sent = "".join(f.read_text() for f in files)
    assert sent.count("Subject: Through the worker") == 1
