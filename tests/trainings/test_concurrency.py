"""Two facilitators approving the last seat at the same moment cannot overbook."""

import threading

import pytest
from django.db import connection

from trainings.models import Nomination
from trainings.services import nominations as services

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_approvals_of_the_last_seat(make_training, lead, nominate_many):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; CI runs this test there (SQLite serialises "
                    "all writers anyway).")
    training = make_training(capacity=1)
    first, second = nominate_many(training, 2)
    barrier = threading.Barrier(2)
    results = {}

    def approve(nomination):
        try:
            barrier.wait(timeout=10)
            services.approve(actor=lead, nomination=nomination)
            results[nomination.pk] = "approved"
        except services.CapacityError:
            results[nomination.pk] = "refused"
        finally:
            connection.close()  # each thread has its own connection; close it

    threads = [threading.Thread(target=approve, args=(n,)) for n in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["approved", "refused"]
    assert Nomination.objects.filter(training=training, status="approved").count() == 1
