"""Session blocks, computed once (scheduling.blocks) for the reminders, the sign-in sheets and
any page that shows blocks."""

import datetime
import io

import pytest
from pypdf import PdfReader

from accounts.times import to_utc
from documents import services as documents_services
from notifications.models import Message
from scheduling.blocks import blocks_of, session_blocks
from scheduling.messages import plan_training
from scheduling.models import Slot, SlotKind
from tests.factories import UserFactory
from trainings.models import Membership, Role

from .helpers import make_agenda

NAIROBI = "Africa/Nairobi"
DAY = datetime.date(2027, 3, 1)


def at(day, hhmm):
    return to_utc(day, datetime.time(*map(int, hhmm.split(":"))), NAIROBI)


def slot(start, end, *, kind=SlotKind.OFFLINE, module=1, day=DAY):
    """An unsaved slot: blocks_of reads nothing from the database."""
    return Slot(kind=kind, module_id=module, start=at(day, start), end=at(day, end))


def spans(blocks):
    return [(b.kind, b.module_id, b.day.isoformat(), len(b.slots)) for b in blocks]


def test_a_coffee_break_between_two_slots_keeps_one_block():
    blocks = blocks_of([slot("11:40", "12:35"), slot("12:50", "13:30")], NAIROBI)
    assert spans(blocks) == [("offline", 1, "2027-03-01", 2)]
    assert (blocks[0].start, blocks[0].end) == (at(DAY, "11:40"), at(DAY, "13:30"))


def test_a_break_slot_does_not_interrupt_a_block_and_does_not_join_it():
    blocks = blocks_of([slot("10:00", "11:00"), slot("11:00", "11:15", kind=SlotKind.BREAK),
                        slot("11:15", "12:00")], NAIROBI)
    assert spans(blocks) == [("offline", 1, "2027-03-01", 2)]


def test_the_same_module_on_two_days_five_minutes_apart_by_the_clock_is_two_blocks():
    """13:30 on Monday and 13:35 on Tuesday are 24 h 5 min apart, not 5 minutes."""
    tuesday = DAY + datetime.timedelta(days=1)
    blocks = blocks_of([slot("12:35", "13:30"), slot("13:35", "14:00", day=tuesday)], NAIROBI)
    assert spans(blocks) == [("offline", 1, "2027-03-01", 1), ("offline", 1, "2027-03-02", 1)]


def test_a_block_never_runs_past_local_midnight():
    blocks = blocks_of([slot("23:00", "23:50", kind=SlotKind.ONLINE),
                        slot("00:05", "00:30", kind=SlotKind.ONLINE,
                             day=DAY + datetime.timedelta(days=1))], NAIROBI)
    assert len(blocks) == 2


@pytest.mark.parametrize(("second", "expected"), [
    (slot("11:20", "12:00"), 1),                        # a 20-minute gap: still one block
    (slot("11:21", "12:00"), 2),                        # 21 minutes: a new block
    (slot("11:00", "12:00", module=2), 2),              # another module
    (slot("11:00", "12:00", kind=SlotKind.ONLINE), 2),  # the other element
    (slot("10:50", "11:30"), 2),                        # overlapping: a new block
])
def test_what_ends_a_block(second, expected):
    assert len(blocks_of([slot("10:00", "11:00"), second], NAIROBI)) == expected


def two_day_module(training):
    """Leave Module 1's offline element on Monday and move one of its slots to Tuesday,
    starting 5 minutes after Monday's end by the clock."""
    offline = list(Slot.objects.filter(training=training, kind=SlotKind.OFFLINE,
                                       module__number=1).order_by("start"))
    Slot.objects.filter(training=training).exclude(pk__in=[s.pk for s in offline]).delete()
    moved = offline[-1]
    monday_end = offline[-2].end
    moved.start = monday_end + datetime.timedelta(days=1, minutes=5)
    moved.end = moved.start + datetime.timedelta(minutes=10)
    moved.save()
    return offline


@pytest.mark.django_db
def test_sign_in_sheets_and_reminders_see_the_same_two_blocks():
    training = make_agenda()
    rapporteur = UserFactory(time_zone=NAIROBI)
    Membership.objects.create(training=training, user=rapporteur, role=Role.RAPPORTEUR)
    two_day_module(training)
    assert [b.day.isoformat() for b in session_blocks(training)] == ["2027-03-01", "2027-03-02"]

    plan_training(training=training)
    notes_due = Message.objects.filter(training=training, kind="notes_due", recipient=rapporteur)
    assert notes_due.count() == 2        # one per offline block, as the sheets below

    document = documents_services.request_document(user=rapporteur, training=training,
                                                   kind="sign_in")
    documents_services.render(document_id=document.pk)
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 2        # one sheet per block (no roster: one page each)
    assert "Monday 1 March 2027, 11:40–13:20 EAT" in text
    assert "Tuesday 2 March 2027, 13:25–13:35 EAT" in text
