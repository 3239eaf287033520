"""QR self check-in (docs/run-mode.md, "Self check-in"): the code a tablet shows, the page a
participant's phone opens, and how a check-in merges with the tablet's marks."""

import datetime
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from runsheet import checkin
from runsheet.checkin_codes import checkin_url, code_for, slot_secret, window_of
from runsheet.models import Attendance, CheckIn
from scheduling.models import Slot
from tests.factories import UserFactory
from tests.html import text_of
from tests.runsheet.helpers import seated_room
from tests.scheduling.helpers import make_agenda
from trainings.models import Nomination, Training

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def room():
    return seated_room(3)


def path(slot, minute=None, code=None):
    """The path of a check-in link (the QR code carries it after SITE_URL)."""
    minute = window_of(timezone.now()) if minute is None else minute
    url = checkin_url(slot.uid, minute)
    if code is not None:
        url = url.rsplit("/", 2)[0] + f"/{code}/"
    return url[len(settings.SITE_URL.rstrip("/")):]


def page(response):
    return text_of(response.content.decode())


def sync_mark(client, moderator, training, slot, person, status, at):
    client.force_login(moderator)
    body = client.post(f"/api/v1/trainings/{training.pk}/sync", content_type="application/json",
                       data=json.dumps({"events": [{
                           "id": str(uuid.uuid4()), "type": "attendance.mark",
                           "recorded_at": at.isoformat(),
                           "payload": {"slot": str(slot.uid), "participant": person.pk,
                                       "status": status}}]})).json()
    assert not body["errors"], body


def mark_of(slot, person):
    return Attendance.objects.get(slot=slot, participant=person)


# ---- the page ------------------------------------------------------------------------------

def test_a_participant_opens_the_link_taps_check_in_and_is_present(client, room):
    training, moderator, people, slot = room
    client.force_login(people[0].user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path(slot))
    assert response.status_code == 200
    assert slot.title in page(response) and "Check me in" in page(response)
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert not Attendance.objects.exists()   # a link preview opening the page marks nobody

    response = client.post(path(slot), follow=True)
    assert "You are checked in" in page(response)
    mark = mark_of(slot, people[0])
    assert (mark.status, mark.recorded_by) == ("present", people[0].user)
    # the tablet's snapshot shows it as a check-in by phone
    client.force_login(moderator)
    snapshot = client.get(f"/api/v1/trainings/{training.pk}/runsheet").json()
    assert snapshot["attendance"][str(slot.uid)][str(people[0].pk)]["by_phone"] is True


def test_one_check_in_per_person_and_slot_a_second_scan_is_refused(client, room):
    training, moderator, people, slot = room
    client.force_login(people[0].user)
    client.post(path(slot))
    first = mark_of(slot, people[0]).recorded_at
    again = client.post(path(slot, window_of(timezone.now()) - 1))   # an earlier, still valid code
    assert again.status_code == 409
    assert "You already checked in" in page(again)
    assert mark_of(slot, people[0]).recorded_at == first
    assert CheckIn.objects.filter(outcome="checked_in").count() == 1
    # another person with the same code on the wall is fine
    client.force_login(people[1].user)
    assert client.post(path(slot)).status_code == 302
    assert Attendance.objects.filter(slot=slot, status="present").count() == 2


@pytest.mark.parametrize("age, status, words", [
    (5, 410, "This code has expired"),
    (-3, 400, "This code is not valid yet"),
])
def test_expired_and_future_codes_are_refused_with_a_clear_page(client, room, age, status, words):
    training, moderator, people, slot = room
    client.force_login(people[0].user)
    link = path(slot, window_of(timezone.now()) - age)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == status
        assert words in page(response)
    assert not Attendance.objects.exists()


def test_unknown_codes_are_refused(client, room):
    training, moderator, people, slot = room
    other_slot = Slot.objects.filter(training=training).exclude(pk=slot.pk).first()
    now = window_of(timezone.now())
    client.force_login(people[0].user)
    links = [path(slot, code="0123456789"),                           # made up
             path(slot, now, code_for(slot_secret(other_slot.uid), now)),   # another item's
             path(slot).replace(str(slot.uid), str(uuid.uuid4()))]   # no such item
    for link in links:
        response = client.post(link)
        assert response.status_code == 404
        assert "Unknown check-in code" in page(response)
    assert not Attendance.objects.exists()


def test_codes_are_valid_for_three_minutes_and_one_minute_early(room):
    slot = room[3]
    minute = 29_500_000
    at = datetime.datetime.fromtimestamp(minute * 60, datetime.UTC)
    code = code_for(slot_secret(slot.uid), minute)
    kinds = {offset: checkin.read_code(slot_uid=slot.uid, window=minute, code=code,
                                       now=at + datetime.timedelta(minutes=offset)).kind
             for offset in (-2, -1, 0, 1, 2, 3)}
    assert kinds == {-2: "early", -1: "valid", 0: "valid", 1: "valid", 2: "valid", 3: "expired"}


def test_a_participant_of_another_training_is_refused(client, room):
    training, moderator, people, slot = room
    other = make_agenda(title="Another training")
    stranger = UserFactory()
    Nomination.objects.create(training=other, full_name="S", email=stranger.email,
                              un_entity="IOM", status="confirmed", user=stranger)
    client.force_login(stranger)
    for response in (client.get(path(slot)), client.post(path(slot))):
        assert response.status_code == 403
        assert "You cannot check in here" in page(response)
        assert training.title not in page(response)
    assert not Attendance.objects.exists()
    assert CheckIn.objects.get().reason == "not_allowed"


def test_only_a_confirmed_seat_in_an_open_training_checks_in(client, room):
    training, moderator, people, slot = room
    waitlisted = UserFactory()
    Nomination.objects.create(training=training, full_name="W", email=waitlisted.email,
                              un_entity="IOM", status="waitlisted", user=waitlisted)
    for user in (waitlisted, moderator):     # no seat: the team marks people on the tablet
        client.force_login(user)
        assert client.post(path(slot)).status_code == 403
    Training.objects.filter(pk=training.pk).update(status=Training.Status.CANCELLED,
                                                   cancel_reason="Postponed")
    client.force_login(people[0].user)
    assert client.post(path(slot)).status_code == 403
    assert not Attendance.objects.exists()


def test_attempts_are_limited_per_person(client, room):
    training, moderator, people, slot = room
    client.force_login(people[0].user)
    for _ in range(checkin.RATE_LIMIT):
        client.post(path(slot, code="0000000000"))
    response = client.post(path(slot))
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    assert client.get(path(slot)).status_code == 429
    assert not Attendance.objects.exists()
    client.force_login(people[1].user)          # someone else is not held back
    assert client.post(path(slot)).status_code == 302


# ---- merging with the tablet's marks: the latest recorded time wins --------------------------

def test_the_moderators_later_mark_overrides_a_check_in(client, room):
    training, moderator, people, slot = room
    client.force_login(people[0].user)
    client.post(path(slot))
    checked_in = mark_of(slot, people[0]).recorded_at
    sync_mark(client, moderator, training, slot, people[0], "absent",
              checked_in + datetime.timedelta(seconds=30))
    assert mark_of(slot, people[0]).status == "absent"
    snapshot = client.get(f"/api/v1/trainings/{training.pk}/runsheet").json()
    assert snapshot["attendance"][str(slot.uid)][str(people[0].pk)]["by_phone"] is False
    # and the person cannot check in again over it
    client.force_login(people[0].user)
    assert client.post(path(slot)).status_code == 409
    assert mark_of(slot, people[0]).status == "absent"


def test_an_earlier_mark_of_an_offline_tablet_arriving_later_does_not_undo_a_check_in(client,
                                                                                       room):
    training, moderator, people, slot = room
    tapped_offline = timezone.now() - datetime.timedelta(minutes=2)
    client.force_login(people[0].user)
    client.post(path(slot))
    sync_mark(client, moderator, training, slot, people[0], "absent", tapped_offline)
    mark = mark_of(slot, people[0])
    assert (mark.status, mark.recorded_by) == ("present", people[0].user)


def test_a_check_in_replaces_an_older_absent_and_keeps_a_present_or_late(client, room):
    training, moderator, people, slot = room
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    sync_mark(client, moderator, training, slot, people[0], "absent", earlier)
    sync_mark(client, moderator, training, slot, people[1], "late", earlier)
    client.force_login(people[0].user)
    client.post(path(slot))
    assert mark_of(slot, people[0]).status == "present"
    client.force_login(people[1].user)
    response = client.post(path(slot), follow=True)
    assert "marked late" in page(response)
    mark = mark_of(slot, people[1])
    assert (mark.status, mark.recorded_by, mark.recorded_at) == ("late", moderator, earlier)
    assert CheckIn.objects.get(user=people[1].user).outcome == "kept"


# ---- the tablet computes the same codes and QR codes as the server --------------------------

def node(script):
    executable = shutil.which("node")
    assert executable, "Node.js is needed (make setup installs npm/node)"
    done = subprocess.run([executable, "--input-type=module", "-e", script], cwd=ROOT,  # noqa: S603 - our own script
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_the_tablet_derives_the_servers_codes_and_links():
    slot_uid = uuid.uuid4()
    secret = slot_secret(slot_uid)
    minutes = [29_500_000, 29_500_001, 31_000_123]
    base = checkin_url(slot_uid, 0).split(str(slot_uid))[0]
    links = node(f"""
        import {{ checkinUrl }} from "./static/js/checkin-code.js";
        const out = [];
        for (const m of {json.dumps(minutes)}) out.push(await checkinUrl(
            {json.dumps(base)}, {json.dumps(str(slot_uid))}, {json.dumps(secret)}, m));
        console.log(JSON.stringify(out));""")
    assert links == [checkin_url(slot_uid, m) for m in minutes]


def test_the_tablets_qr_code_is_segnos_module_for_module():
    texts = [checkin_url(uuid.uuid4(), 29_500_000 + i) for i in range(3)]
    texts += ["https://unct-training.example.org/checkin/" + "x" * n for n in (1, 60, 150)]
    js = node(f"""
        import {{ qrMatrix }} from "./static/js/qr.js";
        const out = {{}};
        for (const text of {json.dumps(texts)}) {{
          out[text] = [null, 0, 1, 2, 3, 4, 5, 6, 7].map((mask) =>
            qrMatrix(text, mask).map((row) => row.map(Number).join("")));
        }}
        console.log(JSON.stringify(out));""")
    for text in texts:
        for index, mask in enumerate([None, *range(8)]):
            code = segno.make(text, error="m", mode="byte", boost_error=False, micro=False,
                              mask=mask)
            assert js[text][index] == ["".join(str(b) for b in row) for row in code.matrix], (
                text, mask)
