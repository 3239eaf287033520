"""Documents follow the lease discipline: identical requests give one row, a render whose
worker died is taken back, a live one is left alone, and one that keeps dying fails with
the reason. The real-worker versions (kill -9, broker down) are in test_worker.py."""

import datetime
import logging
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import services
from documents.models import Document
from tests.celery_worker import wait_for
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role


@pytest.fixture
def pack_inputs(db):
    training = make_agenda()
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    people = []
    for i, name in enumerate(["Amina Njoroge", "David Otieno"]):
        user = UserFactory(email=f"lease{i}@example.org", full_name=name)
        people.append(Nomination.objects.create(training=training, full_name=name,
                                                email=user.email, un_entity="IOM",
                                                status="confirmed", user=user))
    return training, lead, people


def ask(training, person, user=None):
    return services.request_document(user=user, training=training, kind="pack",
                                     participant=person)


def as_if_a_worker_died(document, *, attempts=1, seconds_ago=5):
    """The row as a worker killed mid-render leaves it: rendering, lease no longer renewed."""
    Document.objects.filter(pk=document.pk).update(
        state="rendering", progress=5, attempts=attempts, claimed_by="gone-4242-deadbeef",
        claimed_until=timezone.now() - datetime.timedelta(seconds=seconds_ago))


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_requests_at_once_give_one_row(pack_inputs):
    if connection.vendor != "postgresql":
        pytest.skip("The unique constraint with NULLS NOT DISTINCT needs PostgreSQL 15+; "
                    "CI runs this test there.")
    training, lead, people = pack_inputs
    barrier = threading.Barrier(20)
    got, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            got.append(ask(training, people[0], lead).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(got) == 20 and len(set(got)) == 1
    assert Document.objects.filter(kind="pack").count() == 1


@pytest.mark.django_db
def test_asking_again_for_a_dead_render_queues_it_again(pack_inputs, caplog):
    training, lead, people = pack_inputs
    document = ask(training, people[0], lead)      # queued (no commit, so nothing renders)
    as_if_a_worker_died(document)
    with caplog.at_level(logging.WARNING, logger="documents.services"):
        again = ask(training, people[0], lead)
    assert again.pk == document.pk and again.state == "queued"
    document.refresh_from_db()
    assert (document.state, document.progress, document.claimed_by, document.claimed_until) == \
        ("queued", 0, "", None)
    assert "expired; queued again" in caplog.text
    assert services.render(document_id=document.pk) is True    # and it can finish
    document.refresh_from_db()
    assert document.state == "ready" and document.attempts == 2 and document.pages > 10


@pytest.mark.django_db
def test_the_sweep_takes_back_an_expired_lease_and_leaves_a_live_one(pack_inputs, caplog):
    training, lead, people = pack_inputs
    dead, alive = ask(training, people[0], lead), ask(training, people[1], lead)
    as_if_a_worker_died(dead)
    live_until = timezone.now() + datetime.timedelta(seconds=60)
    Document.objects.filter(pk=alive.pk).update(state="rendering", progress=40, attempts=1,
                                                claimed_by="busy-1-cafe", claimed_until=live_until)
    with caplog.at_level(logging.WARNING, logger="documents.services"):
        counts = services.sweep()   # tasks are eager here: the re-queued row renders inline
    assert counts == {"requeued": 1, "stale": 0, "failed": 0, "enqueued": 1}
    assert f"Document {dead.pk}: the lease of gone-4242-deadbeef expired" in caplog.text
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "ready" and dead.attempts == 2 and dead.pages > 10
    assert (alive.state, alive.claimed_by, alive.claimed_until, alive.progress) == \
        ("rendering", "busy-1-cafe", live_until, 40)
    assert ask(training, people[1], lead).pk == alive.pk           # live: returned as it is
    assert services.render(document_id=alive.pk) is False           # and nobody else claims it


@pytest.mark.django_db
def test_a_render_that_keeps_dying_fails_with_the_reason(pack_inputs, client):
    training, lead, people = pack_inputs
    first, second = ask(training, people[0], lead), ask(training, people[1], lead)
    as_if_a_worker_died(first, attempts=services.MAX_ATTEMPTS)
    as_if_a_worker_died(second, attempts=services.MAX_ATTEMPTS)
    assert services.sweep()["failed"] == 2
    first.refresh_from_db()
    assert first.state == "failed" and first.error == "Rendering was interrupted 3 times"
    client.force_login(lead)
    page = client.get(f"/trainings/{training.pk}/documents/").content.decode()
    assert "Rendering was interrupted 3 times" in page
    fresh = ask(training, people[0], lead)                          # asked again: a new row
    assert fresh.pk != first.pk and fresh.state == "queued" and fresh.attempts == 0


@pytest.mark.django_db
def test_a_claim_of_a_dying_row_past_the_limit_fails_it(pack_inputs):
    training, lead, people = pack_inputs
    document = ask(training, people[0], lead)
    as_if_a_worker_died(document, attempts=services.MAX_ATTEMPTS)
    assert services.render(document_id=document.pk) is False
    document.refresh_from_db()
    assert document.state == "failed" and document.error == services.INTERRUPTED
    replaced = ask(training, people[0], lead)                       # never the dead row
    assert replaced.pk != document.pk and replaced.state == "queued"


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_discards_its_result(pack_inputs, caplog):
    training, lead, people = pack_inputs
    document = ask(training, people[0], lead)
    claimed, me = services._claim(document.pk)
    assert claimed.claimed_by == me and claimed.attempts == 1
    Document.objects.filter(pk=document.pk).update(claimed_by="another-7-f00d")   # taken over
    folder, storage = timezone.now().strftime("documents/%Y/%m/"), claimed.file.storage

    def stored():
        return set(storage.listdir(folder)[1]) if storage.exists(folder) else set()

    before = stored()
    with pytest.raises(services.LeaseLost):
        services._finish(claimed, me, b"%PDF-1.7 late", 1, 0.1)
    assert stored() == before                                       # the late file is deleted
    document.refresh_from_db()
    assert (document.state, document.claimed_by, document.file.name) == \
        ("rendering", "another-7-f00d", "")


@pytest.mark.django_db
def test_a_queued_row_whose_task_was_lost_is_enqueued_by_the_sweep(pack_inputs):
    training, lead, people = pack_inputs
    document = ask(training, people[0], lead)
    assert services.sweep()["stale"] == 0                           # just queued: left alone
    later = timezone.now() + datetime.timedelta(seconds=services.QUEUED_GRACE_SECONDS + 1)
    assert services.sweep(now=later) == {"requeued": 0, "stale": 1, "failed": 0, "enqueued": 1}
    document.refresh_from_db()
    assert document.state == "ready" and document.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_live_render_renews_its_lease_and_keeps_the_row(pack_inputs, settings):
    """With a 3 s lease, a render of several seconds keeps its row: the heartbeat renews
    the lease (every second), so neither another render nor the sweep can take it meanwhile.
    (1.5 s was too short on a loaded CI machine: WeasyPrint holds the GIL and starved the
    heartbeat thread for over a second.)"""
    training, lead, people = pack_inputs
    settings.DOCUMENT_LEASE_SECONDS = 3
    document = Document.objects.create(training=training, kind="all_packs", input_hash="zip")
    outcome = {}

    def work():
        try:
            outcome["rendered"] = services.render(document_id=document.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    assert wait_for(lambda: Document.objects.get(pk=document.pk).state == "rendering", 30)
    first_lease = Document.objects.get(pk=document.pk).claimed_until
    stolen, seen = [], []

    def try_to_take_it():
        seen.append(Document.objects.get(pk=document.pk).claimed_until)
        stolen.append(services.render(document_id=document.pk))
        stolen.append(services.sweep()["requeued"])
        return Document.objects.get(pk=document.pk).state != "rendering"

    assert wait_for(try_to_take_it, 120)
    thread.join(timeout=30)
    document.refresh_from_db()
    assert outcome == {"rendered": True} and document.state == "ready", document.error
    assert document.attempts == 1 and not any(stolen)
    assert max(s for s in seen if s) > first_lease + datetime.timedelta(seconds=1)   # renewed
    assert Document.objects.filter(kind="pack", state="ready").count() == 2


@pytest.mark.django_db
def test_asking_for_an_unchanged_document_costs_one_query_beyond_hashing(pack_inputs):
    training, lead, people = pack_inputs
    document = ask(training, people[0], lead)
    assert services.render(document_id=document.pk) is True
    with CaptureQueriesContext(connection) as hashing:
        services.html_for("pack", training, people[0])
    with CaptureQueriesContext(connection) as asking:
        assert ask(training, people[0], lead).pk == document.pk
    ours = [q["sql"] for q in asking.captured_queries if "documents_document" in q["sql"]]
    assert len(ours) == 1 and ours[0].startswith("SELECT"), ours
    real = [q for q in asking.captured_queries if "SAVEPOINT" not in q["sql"]]  # the atomic's
    assert len(real) == len(hashing.captured_queries) + 1
