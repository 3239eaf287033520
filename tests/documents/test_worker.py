"""With REDIS_URL set (as in CI), real Celery workers render participant packs: once even
when the task is duplicated; again after a worker is killed mid-render (kill -9, recovered
through the lease and the sweep); and later when the broker was down at the request."""

import contextlib
import datetime
import io
import logging
import time

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents import services
from documents.models import Document
from tests.celery_worker import wait_for
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def participant(name="Grace Mwangi"):
    training = make_agenda()
    user = UserFactory(full_name=name)
    person = Nomination.objects.create(training=training, full_name=name, email=user.email,
                                       un_entity="UNDP", status="confirmed", user=user)
    return training, person


def state(document):
    return Document.objects.get(pk=document.pk).state


def log_of(proc):
    with open(proc.log_path, encoding="utf-8", errors="replace") as handle:
        return handle.read()[-3000:]


@contextlib.contextmanager
def in_background(queue):
    """Tasks go through the broker to `queue` (the workers' private queue), not inline."""
    from config.celery import app

    eager, default = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default


@contextlib.contextmanager
def broker_at(url, settings):
    """Point Django's setting and the Celery app at another broker, then back."""
    from config.celery import app

    def point(to):
        settings.CELERY_BROKER_URL = app.conf.broker_url = to
        app._pool = app.amqp._producer_pool = None   # the app caches its pools: forget them

    original = app.conf.broker_url
    point(url)
    try:
        yield
    finally:
        point(original)


def test_a_real_worker_renders_a_pack_once(worker):
    from documents.tasks import render_document

    training, person = participant()
    with in_background(worker["queue"]):
        document = services.request_document(user=None, training=training, kind="pack",
                                              participant=person)   # enqueued after commit
        render_document.apply_async(args=[document.pk], queue=worker["queue"])  # a duplicate
        assert wait_for(lambda: state(document) == "ready", 90), \
            Document.objects.get(pk=document.pk).error or log_of(worker["proc"])
    document.refresh_from_db()
    first_file, first_size = document.file.name, document.size
    assert first_size > 0 and document.pages > 10 and document.attempts == 1
    again = services.request_document(user=None, training=training, kind="pack",
                                      participant=person)
    assert again.pk == document.pk and again.file.name == first_file
    assert Document.objects.filter(kind="pack").count() == 1


def test_a_worker_killed_mid_render_is_recovered_through_its_lease(workers):
    training, person = participant("Иван Петров")
    short_lease = {"DOCUMENT_LEASE_SECONDS": "3"}
    first = workers.worker(env=short_lease)
    with in_background(workers.queue):
        document = services.request_document(user=None, training=training, kind="pack",
                                              participant=person)
        assert wait_for(lambda: state(document) == "rendering", 60), log_of(first)
        workers.kill(first)                                       # kill -9 mid-render
        killed = time.monotonic()
        dead = Document.objects.get(pk=document.pk)
        assert dead.state == "rendering" and dead.attempts == 1 and dead.claimed_by
        second = workers.worker(env=short_lease)
        assert wait_for(lambda: Document.objects.filter(
            pk=document.pk, claimed_until__lt=timezone.now()).exists(), 30)   # nobody renews
        expired = time.monotonic()
        assert state(document) == "rendering"                    # the dead row stays dead...
        counts = services.sweep()                                 # ...until the sweep
        assert counts["requeued"] == 1 and counts["enqueued"] == 1, counts
        assert wait_for(lambda: state(document) == "ready", 90), \
            Document.objects.get(pk=document.pk).error or log_of(second)
    recovered = time.monotonic()
    document.refresh_from_db()
    assert document.attempts == 2 and document.claimed_by != dead.claimed_by
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == document.pages > 10
    assert "Иван Петров" in reader.pages[0].extract_text()
    print(f"\nkilled worker ({document.pages} pages): lease expired {expired - killed:.1f} s "
          f"after the kill, ready {recovered - expired:.1f} s after the sweep, "
          f"{recovered - killed:.1f} s in all")


def test_a_broker_outage_is_no_500_and_the_sweep_renders_the_document_later(
        workers, client, settings, caplog):
    training, person = participant()
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    client.force_login(lead)
    with in_background(workers.queue), broker_at("redis://127.0.0.1:1/0", settings), \
            caplog.at_level(logging.WARNING, logger="config.background"):
        started = time.monotonic()
        response = client.post(f"/trainings/{training.pk}/documents/request/",
                               {"kind": "pack", "participant": person.pk})
        answered = time.monotonic() - started
    assert 200 <= response.status_code < 400, response.status_code
    assert "Could not enqueue documents.tasks.render_document" in caplog.text
    document = Document.objects.get(kind="pack", participant=person)
    assert document.state == "queued"
    proc = workers.worker()                                      # the broker is back
    with in_background(workers.queue):
        later = timezone.now() + datetime.timedelta(seconds=services.QUEUED_GRACE_SECONDS + 1)
        counts = services.sweep(now=later)
        swept = time.monotonic()
        assert counts == {"requeued": 0, "stale": 1, "failed": 0, "enqueued": 1}, counts
        assert wait_for(lambda: state(document) == "ready", 90), \
            Document.objects.get(pk=document.pk).error or log_of(proc)
    ready = time.monotonic()
    document.refresh_from_db()
    assert document.pages > 10 and document.attempts == 1
    print(f"\nbroker down: the request answered {response.status_code} in {answered:.1f} s; "
          f"ready {ready - swept:.1f} s after the sweep ({document.pages} pages)")
