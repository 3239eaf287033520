"""The agenda as the guide has it: each Annex III row a title plus its items (a list, never a
run-on title), a break said once, layouts named as the guide names them, Session 9 in
Option 2, and My agenda with a heading and a list per day."""

import html as html_lib
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from scheduling.models import AgendaChange, ScheduleTemplate, Slot, SlotKind
from scheduling.services.layout import lay_out
from tests.factories import UserFactory
from tests.html import text_of
from trainings.models import Membership, Nomination, Role

from .helpers import make_agenda, slot

pytestmark = pytest.mark.django_db

OPENING_ITEMS = ["Reflection of online session", "Guidance for offline session",
                 "Round of introductions by participants"]
RECAP_ITEMS = ["Feedback/ summary Activity 1", "Feedback/ summary Activity 2",
               "Feedback/ summary Session 3 plenary discussion", "Feedback/ summary Activity 4",
               "Other outstanding matters from Day 1"]


def facilitator_of(training):
    user = UserFactory(time_zone=training.time_zone)
    Membership.objects.create(training=training, user=user, role=Role.FACILITATOR)
    return user


def participant_of(training):
    user = UserFactory(time_zone=training.time_zone)
    Nomination.objects.create(training=training, full_name="P", email=user.email,
                              un_entity="IOM", status="confirmed", user=user)
    return user


def _row(page, row):
    """The HTML of one agenda row (the table row of `row`)."""
    start = page.rindex("<tr", 0, page.index(f'id="slot-{row.pk}"'))
    return page[start:page.index("</tr>", start)]


def _title_and_items(chunk):
    """What a reader sees in a row: its title, then its items as list entries."""
    title = re.search(r'class="slot-title">(.*?)</div>', chunk, re.S)
    listed = re.search(r'<ul class="slot-items[^"]*">(.*?)</ul>', chunk, re.S)
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), re.S) if listed else []
    return (html_lib.unescape(title.group(1)) if title else None,
            [html_lib.unescape(i) for i in items])


# 1. A row's items are a list, not a run-on title ----------------------------------------------


def test_the_fixture_keeps_the_guides_title_and_lists_its_items():
    option_1 = ScheduleTemplate.objects.get(key="option-1")
    recap = option_1.slots.get(day=2, start="08:30")
    assert recap.title == "Welcome and recap"
    assert recap.items == RECAP_ITEMS
    closing = option_1.slots.get(day=2, start="16:20")
    assert (closing.title, closing.items) == ("Wrap up and way forward",
                                              ["Official close", "Evaluation"])
    for row in ScheduleTemplate.objects.get(key="option-2").slots.all():
        assert len(row.title) < 120, row.title  # no run-on cell left


def test_agenda_page_shows_the_opening_row_as_a_title_and_a_list():
    training = make_agenda(option="option-2")
    opening = slot(training, "2027-03-01", "11:40")
    assert (opening.title, opening.items) == ("Opening remarks", OPENING_ITEMS)
    client_page = _client_for(facilitator_of(training))
    page = client_page.get(reverse("scheduling:agenda", args=[training.pk])).content.decode()
    assert _title_and_items(_row(page, opening)) == ("Opening remarks", OPENING_ITEMS)
    recap = slot(training, "2027-03-02", "08:30")
    assert _title_and_items(_row(page, recap)) == ("Welcome and recap", RECAP_ITEMS)
    assert "Opening remarks Reflection of online session" not in page


def test_my_agenda_shows_the_items_as_a_list_too():
    training = make_agenda(option="option-2")
    page = _client_for(participant_of(training)).get(
        reverse("scheduling:mine", args=[training.pk])).content.decode()
    assert "<li>Round of introductions by participants</li>" in page
    assert "<li>Other outstanding matters from Day 1</li>" in page
    assert "Opening remarks Reflection of online session" not in page


def test_undo_brings_the_items_back(client):
    training = make_agenda(option="option-2")
    user = facilitator_of(training)
    lay_out(actor=user, training=training, option="option-1")
    client.force_login(user)
    client.post(reverse("scheduling:undo", args=[training.pk]))
    assert slot(training, "2027-03-01", "11:40").items == OPENING_ITEMS


# 2. A break is said once ----------------------------------------------------------------------


def test_a_break_is_named_once_on_the_agenda_and_on_my_agenda():
    training = make_agenda(option="option-2")
    pause = slot(training, "2027-03-01", "11:25")
    assert pause.kind == SlotKind.BREAK
    user = facilitator_of(training)
    client = _client_for(user)
    page = client.get(reverse("scheduling:agenda", args=[training.pk])).content.decode()
    what = _row(page, pause).split("<button")[0]  # the row, without its Edit button
    assert text_of(what).lower().count("break") == 1, text_of(what)
    mine = client.get(reverse("scheduling:mine", args=[training.pk])).content.decode()
    assert "BREAK" not in text_of(mine)
    assert "Break" in text_of(mine)


# 3. The undo label names the layout as the guide does -----------------------------------------


def test_the_undo_label_names_the_layout_not_its_key():
    training = make_agenda(option="option-2")
    user = facilitator_of(training)
    lay_out(actor=user, training=training, option="option-2")
    change = AgendaChange.objects.filter(training=training).first()
    assert change.description.startswith(
        "Laid out the agenda from Annex III Option 2: Four consecutive mornings")
    page = _client_for(user).get(reverse("scheduling:agenda", args=[training.pk])).content
    text = text_of(page)
    assert "Undo: Laid out the agenda from Annex III Option 2" in text
    assert "option-2" not in text


def test_a_flexible_layout_says_so():
    training = make_agenda(option="option-2")
    lay_out(actor=None, training=training, option="flexible")
    assert AgendaChange.objects.filter(training=training).first().description == \
        "Laid out the agenda flexibly (one module a day)"


# 8. Session 9 in Option 2, morning 4 ----------------------------------------------------------


def test_option_2_morning_4_holds_session_9_from_10_15_to_10_45():
    row = ScheduleTemplate.objects.get(key="option-2").slots.get(day=4, start="10:15")
    assert row.end.strftime("%H:%M") == "10:45"
    assert row.sessions == ["9"]
    training = make_agenda(option="option-2")
    laid_out = slot(training, "2027-03-04", "10:15")
    assert [s.label for s in laid_out.sessions.all()] == [
        "Session 9: Recap and synthesis of main points from training"]
    assert laid_out.minutes == 30


# 6. My agenda: a heading and a list per day ---------------------------------------------------


def test_my_agenda_has_a_heading_and_a_list_per_day():
    training = make_agenda(option="option-2")
    page = _client_for(participant_of(training)).get(
        reverse("scheduling:mine", args=[training.pk])).content.decode()
    headings = [text_of(h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", page, re.S)]
    assert headings == ["Monday 1 March 2027", "Tuesday 2 March 2027",
                        "Wednesday 3 March 2027", "Thursday 4 March 2027"]
    assert "list-group-numbered" not in page
    for day in headings:  # a day is a heading, never an entry of the list
        assert not re.search(rf"<li[^>]*>\s*{day}", page)
    sections = page.split("<h3")[1:]
    assert all("<ul" in section for section in sections)


# Existing rows migrate ------------------------------------------------------------------------


def test_the_migration_splits_existing_run_on_titles_and_names_old_layouts():
    migration = importlib.import_module("scheduling.migrations.0004_slot_items_templateslot_items")
    training = make_agenda(option="option-2")
    opening = slot(training, "2027-03-01", "11:40")
    Slot.objects.filter(pk=opening.pk).update(
        title="Opening remarks Reflection of online session Guidance for offline session Round "
              "of introductions by participants", items=[])
    old = AgendaChange.objects.create(training=training, description="Laid out the agenda "
                                      "(option-2)", before=[])
    migration.split_titles(apps, None)
    migration.name_layouts(apps, None)
    opening.refresh_from_db()
    assert (opening.title, opening.items) == ("Opening remarks", OPENING_ITEMS)
    old.refresh_from_db()
    assert old.description.startswith("Laid out the agenda from Annex III Option 2:")


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_agenda_api_and_calendar_carry_the_items():
    training = make_agenda(option="option-2")
    client = _client_for(facilitator_of(training))
    data = client.get(f"/api/v1/trainings/{training.pk}/agenda").json()
    opening = next(s for s in data["slots"] if s["title"] == "Opening remarks")
    assert opening["items"] == OPENING_ITEMS
    from scheduling.ics import build

    opening_slot = slot(training, "2027-03-01", "11:40")
    calendar = build(name="Kenya", entries=[(training, opening_slot)])
    text = (calendar.decode() if isinstance(calendar, bytes) else str(calendar))
    unfolded = text.replace("\r\n ", "").replace("\\n", "\n")
    for item in OPENING_ITEMS:
        assert f"- {item}" in unfolded
