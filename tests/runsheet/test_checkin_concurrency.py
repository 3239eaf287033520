"""QR self check-in at the same moment, on PostgreSQL with real threads (each its own
connection and transaction): one person tapping "Check me in" on two phones at once, and a
room of people checking in while the tablet sends its marks."""

import datetime
import json
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from runsheet.checkin_codes import checkin_url, window_of
from runsheet.models import Attendance, CheckIn
from tests.runsheet.helpers import seated_room
from tests.runsheet.test_concurrency import at_once, device

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-level concurrency is what PostgreSQL does; SQLite "
                              "serialises writers (CI runs this on PostgreSQL)"),
]


@pytest.fixture
def room():
    return seated_room(8)


def link(slot):
    return checkin_url(slot.uid, window_of(timezone.now()))[len(settings.SITE_URL.rstrip("/")):]


def test_two_taps_at_once_check_in_once(room):
    training, moderator, people, slot = room
    phones = [device(people[0].user), device(people[0].user)]
    answers = at_once([lambda p=p: p.post(link(slot)).status_code for p in phones])
    assert sorted(answers) == [302, 409]
    assert CheckIn.objects.filter(outcome="checked_in").count() == 1
    assert Attendance.objects.get().status == "present"


def test_a_room_checking_in_while_the_tablet_syncs_older_marks(room):
    """The tablet's marks were recorded before the scans (offline), so every check-in stays,
    whichever reaches the database first."""
    training, moderator, people, slot = room
    tapped = timezone.now() - datetime.timedelta(minutes=3)
    batch = json.dumps({"events": [{
        "id": str(uuid.uuid4()), "type": "attendance.mark", "recorded_at": tapped.isoformat(),
        "payload": {"slot": str(slot.uid), "participant": person.pk, "status": "absent"}}
        for person in people]})
    tablet = device(moderator)
    calls = [lambda: tablet.post(f"/api/v1/trainings/{training.pk}/sync", data=batch,
                                 content_type="application/json").status_code]
    phones = [device(person.user) for person in people]
    calls += [lambda c=phone: c.post(link(slot)).status_code for phone in phones]
    answers = at_once(calls)
    assert answers == [200] + [302] * len(people)
    assert sorted(Attendance.objects.values_list("status", flat=True)) == ["present"] * 8
