"""What the PDFs print, read back with pypdf: times through the one time helper (in the
training's zone, labelled, in <bdi>), the attendance on certificates, readable meeting links,
the GCM objectives with their real numbers and labelled group outputs."""

import datetime
import io
import re

import pytest
import time_machine
from pypdf import PdfReader

from activities.models import ActivityPart
from documents import rendering
from documents.services import html_for
from notes import services as notes_services
from notes.models import SessionNote
from runsheet.models import Attendance
from scheduling.models import Slot
from tests.notes.helpers import save
from trainings.models import Training

from .helpers import make

pytestmark = pytest.mark.django_db

TEAMS = ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ1ZDI4YmQtZmM2OS00YjFl"
         "LWI1NzYtYzg2ZDBkNzIzYTQ3%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf%22%7d")


def read(document):
    assert document.state == "ready", document.error
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def link_targets(reader):
    return {annotation.get_object()["/A"]["/URI"] for page in reader.pages
            for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]}


def isolated(html):
    """The text of each <bdi> (isolated left-to-right runs) of some HTML."""
    return [" ".join(re.sub(r"<[^>]+>", " ", inner).split())
            for inner in re.findall(r"<bdi[^>]*>(.*?)</bdi>", html, re.S)]


def test_sign_in_sheet_prints_the_rooms_times_in_nairobi(room):
    training, lead, _people = room
    _reader, text = read(make(training, "sign_in", user=lead))
    assert "Monday 1 March 2027, 11:40–13:30 EAT (Africa/Nairobi)" in text
    assert "Tuesday 2 March 2027, 11:00–13:00 EAT" in text
    assert "08:40" not in text          # the UTC reading of 11:40 EAT


def test_times_are_ranges_in_bdi_so_they_read_left_to_right_in_rtl(room):
    training, _lead, people = room
    assert "11:40–13:30 EAT" in isolated(html_for("sign_in", training))
    assert "11:40–11:55 EAT" in isolated(html_for("pack", training, people[0]))


def test_pack_shows_the_participants_zone_and_the_rooms(room):
    training, lead, people = room
    people[1].user.time_zone = "Europe/Berlin"
    people[1].user.save()
    people[0].user.time_zone = "Africa/Nairobi"
    people[0].user.save()
    _reader, text = read(make(training, "pack", people[0], user=lead))
    flat = " ".join(text.split())
    assert "11:40–11:55 EAT" in flat and "08:40" not in flat
    _reader, text = read(make(training, "pack", people[1], user=lead))
    flat = " ".join(text.split())
    assert "Times in your time zone (Europe/Berlin)" in flat
    assert "09:40–09:55 CET" in flat and "11:40–11:55 EAT" in flat


def test_pack_links_the_meeting_with_readable_text(room):
    training, lead, people = room
    Training.objects.filter(pk=training.pk).update(meeting_link=TEAMS)
    training.refresh_from_db()
    reader, text = read(make(training, "pack", people[0], user=lead))
    flat = " ".join(text.split())
    assert "Join the online session (Microsoft Teams)" in flat
    assert "teams.microsoft.com/l/meetup-join/…" in flat          # the short printed form
    assert "NjQ1ZDI4" not in text and "context=" not in text      # never the raw URL
    assert TEAMS in link_targets(reader)


def test_short_url_keeps_short_links_whole():
    assert rendering.short_url("https://zoom.us/j/123") == "zoom.us/j/123"
    assert rendering.short_url(TEAMS) == "teams.microsoft.com/l/meetup-join/…"
    assert rendering.meeting_service("https://unic.webex.com/meet/x") == "Webex"


def test_certificate_prints_the_attendance_as_a_percentage(room):
    training, lead, people = room
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start")[:10])
    for i, slot in enumerate(slots):
        Attendance.objects.create(slot=slot, participant=people[0], recorded_at=slot.start,
                                  status="present" if i < 9 else "absent")
    with time_machine.travel(datetime.datetime(2027, 3, 5, 12, 0, tzinfo=datetime.UTC),
                             tick=False):   # after the last session: certificates may be issued
        _reader, text = read(make(training, "certificate", people[0], user=lead))
    assert "Attendance: 90% of the sessions where attendance was taken." in text


def test_handouts_number_gcm_objectives_as_the_gcm_does(room):
    training, lead, _people = room
    _reader, text = read(make(training, "handouts", user=lead))
    flat = " ".join(text.split())
    area_1 = flat[flat.index("Thematic area 1:"):flat.index("Thematic area 2:")]
    assert [int(n) for n in re.findall(r"Objective (\d+):", area_1)] == [1, 3, 17, 23]
    assert "Objective 17: Eliminate all forms of discrimination" in flat
    assert flat.count("Objective 23: Strengthen international cooperation") == 5


def test_outcome_report_prints_note_times_and_labelled_group_outputs(room):
    training, lead, _people = room
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start")[1]
    save(lead, slot, "Data first", 0)
    notes_services.publish(user=lead, note=SessionNote.objects.get(slot=slot))
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    notes_services.save_group_output(user=lead, training=training, part=part, group_number=2,
                                     group_name="Lions",
                                     data={"objective_1": "17", "actions_1": "Radio campaign"})
    _reader, text = read(make(training, "outcome", user=lead))
    flat = " ".join(text.split())
    assert "11:55–12:35 EAT" in flat
    assert "Group 2 – Lions" in flat
    assert "Objective 1: GCM objective" in flat
    assert "17. Eliminate all forms of discrimination" in flat
    assert "Objective 1: Priority actions in the country Radio campaign" in flat


def test_the_agenda_pdf_lists_a_rows_items_and_names_a_break_once(room):
    training, lead, _people = room
    opening = Slot.objects.filter(training=training, title="Opening remarks").first()
    assert opening is not None and opening.items   # the guide's items, not a run-on title
    _reader, text = read(make(training, "agenda", user=lead))
    words = " ".join(text.split())   # a table cell wraps its lines
    for item in opening.items:
        assert item in words, item
    html = html_for("agenda", training)
    assert all(f"<li>{item}</li>" in html for item in opening.items)   # a list, not run on
    assert not re.search(r"Break: BREAK", words, re.I)
