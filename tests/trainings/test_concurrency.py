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


def test_two_facilitators_deciding_at_once_both_get_their_answer_and_one_plan(nominate_many):
    """Both decisions commit, then both re-plan the training's messages after commit: the
    planners take turns on the training row, so neither answers 500 and no message is
    planned twice."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; CI runs this test there.")
    from django.test import Client
    from django.urls import reverse

    from notifications.models import Message
    from tests.factories import UserFactory
    from tests.scheduling.helpers import make_agenda
    from trainings.models import Membership, Role, Training

    training = make_agenda()
    Training.objects.filter(pk=training.pk).update(status=Training.Status.NOMINATIONS_OPEN)
    facilitators = [UserFactory(), UserFactory()]
    for user in facilitators:
        Membership.objects.create(training=training, user=user, role=Role.FACILITATOR)
    first, second = nominate_many(training, 2)
    Message.objects.filter(training=training).delete()   # both planners will create them
    barrier = threading.Barrier(2)
    answers = {}

    def decide(user, nomination, action):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            response = client.post(reverse("trainings:decide", args=[training.pk]),
                                   {"action": action, "nominations": [nomination.pk]})
            answers[nomination.pk] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(facilitators[0], first, "approve")),
               threading.Thread(target=decide, args=(facilitators[1], second, "waitlist"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == {first.pk: 302, second.pk: 302}
    planned = list(Message.objects.filter(training=training, kind="session_24h")
                   .values_list("key", flat=True))
    assert planned and len(planned) == len(set(planned))
    # every facilitator and the RCO admin have their reminders, once
    assert Message.objects.filter(training=training, kind="session_24h",
                                  recipient=facilitators[0]).count() == 8


def test_two_planners_at_once_plan_each_message_once():
    """The race behind the decisions above, made certain: two planners start together on a
    training with nothing planned yet."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; CI runs this test there.")
    from notifications.models import Message
    from scheduling.messages import plan_training
    from tests.factories import UserFactory
    from tests.scheduling.helpers import make_agenda
    from trainings.models import Membership, Role

    training = make_agenda()
    for _ in range(3):
        Membership.objects.create(training=training, user=UserFactory(), role=Role.FACILITATOR)
    Message.objects.filter(training=training).delete()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def plan():
        try:
            barrier.wait(timeout=10)
            results.append(plan_training(training=training))
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    created = sorted(result["created"] for result in results)
    total = Message.objects.filter(training=training).count()
    assert created == [0, total] and total == 3 * 8 * 2 + 3   # sessions 24 h and 1 h, short
