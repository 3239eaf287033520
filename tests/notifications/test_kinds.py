"""Every message kind, produced through the real code path and delivered by the outbox.

One scenario (built once for the module) runs a Nairobi training from its creation to three
months after its end: team invitations, nominations decided every way, a seat offer that
lapses, the agenda published and changed, every planned reminder, the checklist digest and
a cancelled second training. Each registered kind (except "legacy") must have produced at
least one email, so a new kind without a path here fails `test_every_kind`.
"""

import contextlib
import dataclasses
import datetime
import re
import uuid
import zoneinfo
from collections import defaultdict

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from icalendar import Calendar

from curriculum.models import Curriculum
from curriculum.services import import_all_fixtures
from documents import services as certificates
from notifications import kinds, rendering, services
from notifications.delivery import deliver_due
from notifications.models import Message
from runsheet.models import Attendance
from scheduling.messages.checklist_digest import plan_digests
from scheduling.models import Slot
from scheduling.selectors import slots_of
from scheduling.services import editing, publishing
from tests.factories import UserFactory
from trainings.models import CountryAdmin, Invitation, Membership, Role, Training
from trainings.services import announcements, nominations, team
from trainings.services.training import cancel_training, change_status, create_training

pytestmark = pytest.mark.django_db

SITE = "https://training.example.org"
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2027, 6, 10, 0, 0, tzinfo=datetime.UTC)
TITLE = "Women's & youth migration – Nairobi"
KIND_NAMES = sorted(kind.name for kind in kinds.all_kinds() if kind.name != "legacy")
TRAINING_DATED = {"invitation", "invitation_offer", "nomination_confirmed", "training_cancelled"}
SESSION_DATED = {"session_24h", "session_1h"}
AGENDA_DATED = {"agenda_published", "agenda_changed"}
DATED = TRAINING_DATED | SESSION_DATED | AGENDA_DATED


@dataclasses.dataclass
class Sent:
    kind: str
    key: str
    row: Message
    email: object

    @property
    def html(self):
        return next(content for content, mimetype in self.email.alternatives
                    if mimetype == "text/html")

    @property
    def calendars(self):
        return [Calendar.from_ical(content) for _name, content, mimetype in
                self.email.attachments if mimetype.startswith("text/calendar")]


@dataclasses.dataclass
class World:
    training: Training
    cancelled: Training
    people: dict
    sent: dict  # kind name -> [Sent]


@contextlib.contextmanager
def _step(moment):
    """Services run at `moment`, then their after-commit work (planning, delivery nudges,
    which send what is due at once: tasks are eager in tests)."""
    with time_machine.travel(moment, tick=False), \
            TestCase.captureOnCommitCallbacks(execute=True):
        yield


def _deliver(moment):
    with _step(moment):
        deliver_due()


def _create(actor, curriculum, **fields):
    base = {"title": TITLE, "country": "KE", "city": "Nairobi", "time_zone": "Africa/Nairobi",
            "start_date": datetime.date(2027, 3, 1), "end_date": datetime.date(2027, 3, 4),
            "schedule_option": "option-2", "meeting_link": "https://teams.example.org/x",
            "venue": "Room 4", "capacity": 4}
    training = create_training(actor=actor, curriculum=curriculum, **{**base, **fields})
    return change_status(actor=actor, training=training,
                         status=Training.Status.NOMINATIONS_OPEN)


def _nominate(actor, training, name, email, user=None):
    nomination = nominations.nominate(actor=actor, training=training, data={
        "full_name": name, "email": email, "un_entity": "UNDP"})
    if user is not None:
        nomination.user = user
        nomination.save(update_fields=["user"])
    return nomination


def _scenario():
    if not Curriculum.objects.filter(slug="remote-unct-training").exists():
        import_all_fixtures()
    curriculum = Curriculum.objects.get(slug="remote-unct-training")
    people = {
        "staff": UserFactory(email="staff@example.org", is_staff=True, time_zone="UTC"),
        "lead": UserFactory(email="lead@example.org", full_name="Lena Lead",
                            time_zone="America/New_York"),
        "rapporteur": UserFactory(email="rita@example.org", time_zone="Africa/Nairobi"),
        "rco": UserFactory(email="rco@example.org", time_zone="Europe/Zurich"),
        "ann": UserFactory(email="ann@example.org", full_name="Ann Account",
                           time_zone="Asia/Bangkok"),
        "fay": UserFactory(email="fay@example.org", full_name="Fay Account",
                           time_zone="Africa/Nairobi"),
    }
    staff = people["staff"]
    with _step(NOW):
        training = _create(staff, curriculum)
        cancelled = _create(staff, curriculum, title="Mombasa – youth & migration",
                            city="Mombasa", start_date=datetime.date(2027, 4, 5),
                            end_date=datetime.date(2027, 4, 8))
        CountryAdmin.objects.create(user=people["rco"], country="KE")
        Membership.objects.create(training=training, user=people["rapporteur"],
                                  role=Role.RAPPORTEUR)
    # The lead is invited from a request in Tokyo: the expiry must not follow the
    # request's zone (it used to print the actor's local time labelled "UTC").
    with _step(NOW), timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        invitation, _token = team.invite(actor=staff, training=training,
                                         email=people["lead"].email, kind="team",
                                         role=Role.LEAD_FACILITATOR)
    with _step(NOW):
        team.accept(invitation=invitation, user=people["lead"])
    rco, lead = people["rco"], people["lead"]
    with _step(NOW):
        ann = _nominate(rco, training, "Ann Account", "ann@example.org", people["ann"])
        ben = _nominate(rco, training, "Ben Newcomer", "ben@example.org")
        fay = _nominate(rco, training, "Fay Account", "fay@example.org", people["fay"])
        cai = _nominate(rco, training, "Cai Waiting", "cai@example.org")
        dan = _nominate(rco, training, "Dan Declined", "dan@example.org")
        nominations.approve(actor=lead, nomination=ann)      # account: confirmed at once
        nominations.approve(actor=lead, nomination=ben)      # no account: invitation
        nominations.approve(actor=lead, nomination=fay)
        nominations.waitlist(actor=lead, nomination=cai)
        nominations.decline(actor=lead, nomination=dan, reason="Not in the <UNCT> list")
    with _step(NOW):  # a seat frees up: the waiting list gets an offer (48 hours)
        nominations.withdraw(actor=lead, nomination=fay, reason="Mission travel")
    with _step(NOW):
        publishing.publish(actor=lead, training=training)
    with _step(NOW):  # the lead writes to the participants and the team (issue 21)
        announcements.send(actor=lead, training=training, audience="both",
                           subject="Room 4 & coffee", body="See you in **Room 4**.",
                           key=uuid.UUID(int=21))
    with _step(NOW):  # Ann also takes a seat in the second training
        again = _nominate(rco, cancelled, "Ann Account", people["ann"].email, people["ann"])
        nominations.approve(actor=staff, nomination=again)
    with _step(NOW + datetime.timedelta(minutes=2)):
        last = max(slots_of(training), key=lambda slot: slot.start)
        editing.resize_slot(actor=lead, slot=last, minutes=last.minutes - 5)
    _deliver(NOW + datetime.timedelta(minutes=15))                 # agenda changed
    with _step(NOW + datetime.timedelta(hours=1)):   # the second training is cancelled
        cancel_training(actor=staff, training=cancelled, reason="Elections")
    _deliver(NOW + datetime.timedelta(hours=36, minutes=1))         # offer lapsing
    with _step(NOW + datetime.timedelta(hours=48, minutes=1)):
        nominations.expire_offers()                                 # offer lapsed, re-offered
    with _step(datetime.datetime(2027, 2, 20, 5, 0, tzinfo=datetime.UTC)):
        plan_digests()
        deliver_due()                        # deadline reminders, nominations short, digest
    with _step(datetime.datetime(2027, 3, 4, 12, 0, tzinfo=datetime.UTC)):  # last day:
        for status in ("confirmed", "in_delivery", "completed"):  # the thank-you waits for it
            training = change_status(actor=lead, training=training, status=status)
    with _step(datetime.datetime(2027, 3, 5, 0, 0, tzinfo=datetime.UTC)):  # issue 21: Ann
        Attendance.objects.bulk_create([  # attended; her certificate is emailed once made
            Attendance(slot=slot, participant=ann, status="present", recorded_at=slot.start)
            for slot in Slot.objects.filter(training=training, kind="offline")])
        certificates.issue_all(training=training, actor=lead)
    _deliver(datetime.datetime(2027, 3, 5, 0, 0, tzinfo=datetime.UTC))   # sessions, notes
    _deliver(END)                                             # thank-you, action plans
    training.refresh_from_db()
    cancelled.refresh_from_db()
    return training, cancelled, people


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scenario, built once in a transaction rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(SITE_URL=SITE + "/"):
        mail.outbox = []
        training, cancelled, people = _scenario()
        failed = list(Message.objects.filter(state="failed").values_list("kind", "last_error"))
        assert not failed, f"messages that could not be sent: {failed}"
        rows = {rendering.message_id(m.key): m for m in Message.objects.filter(state="sent")}
        sent = defaultdict(list)
        for email in mail.outbox:
            row = rows[email.extra_headers["Message-ID"]]
            sent[row.kind].append(Sent(kind=row.kind, key=row.key, row=row, email=email))
        yield World(training=training, cancelled=cancelled, people=people, sent=dict(sent))
        transaction.set_rollback(True)


def _one(world, kind, **match):
    found = [s for s in world.sent.get(kind, [])
             if all(getattr(s.row, name) == value for name, value in match.items())]
    assert found, f"no {kind} email matching {match}"
    return found[0]


def _buttons(html):
    """The hrefs of the <a class="button"> links."""
    return [re.search(r'href="([^"]*)"', tag).group(1)
            for tag in re.findall(r"<a\s[^>]*>", html) if re.search(r'class="button"', tag)]


def _events(sent):
    return [event for calendar in sent.calendars for event in calendar.walk("VEVENT")]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_kind(world, kind):
    """A text part and an HTML alternative, safe and self-contained, with a stable
    Message-ID and (for dated kinds) a calendar file that parses."""
    emails = world.sent.get(kind)
    assert emails, (f"no email of kind {kind!r} was produced: add the event that queues it to "
                    "the scenario in tests/notifications/test_kinds.py")
    for sent in emails:
        email = sent.email
        assert email.subject.startswith("[UNCT Training] ")
        assert email.subject.removeprefix("[UNCT Training] ").strip()
        assert email.body.strip()
        assert email.extra_headers["Message-ID"] == rendering.message_id(sent.key)
        html = sent.html
        assert "<html" in html and "</html>" in html
        assert not re.search(r"<script", html, re.IGNORECASE)
        assert not re.search(r"<style", html, re.IGNORECASE), "CSS must be inlined"
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "no event handlers"
        assert not re.search(r"""<img[^>]+src\s*=\s*["']?\s*(https?:)?//""", html,
                             re.IGNORECASE), "no remote images"
        hrefs = re.findall(r"""href\s*=\s*["']([^"']*)["']""", html)
        assert hrefs, "at least the footer's settings link"
        for href in hrefs:
            assert href.startswith((SITE + "/", "mailto:")), href
        assert "style=" in html  # inlined
        assert "/reminders/settings/" not in email.body + html
        # Autoescape: off in the text, on in the HTML (the titles hold "&" and "'").
        title = (sent.row.training or world.training).title
        assert title in email.body
        assert "&amp;" not in email.body and "&lt;" not in email.body
        assert title.replace("&", "&amp;") in html
        calendars = sent.calendars
        if kind in DATED:
            assert calendars, f"{kind} must carry an .ics"
            assert _events(sent), f"{kind}: no VEVENT"
        else:
            assert not calendars, f"{kind} is not about a dated thing"


@pytest.mark.parametrize("kind", sorted(TRAINING_DATED))
def test_training_kinds_carry_the_trainings_dates(world, kind):
    for sent in world.sent[kind]:
        training = sent.row.training
        (calendar,) = sent.calendars
        (event,) = calendar.walk("VEVENT")
        assert event["DTSTART"].dt == training.start_date
        assert event["DTEND"].dt == training.end_date + datetime.timedelta(days=1)
        assert str(event["UID"]) == f"training-{training.pk}@training.example.org"
        assert str(event["SUMMARY"]) == training.title
        assert str(event["URL"]) == f"{SITE}/trainings/{training.pk}/"
        assert "Nairobi" in str(event["LOCATION"]) or "Mombasa" in str(event["LOCATION"])
        if kind == "training_cancelled":
            assert str(calendar["METHOD"]) == "CANCEL"
            assert str(event["STATUS"]) == "CANCELLED"
        else:
            assert str(calendar["METHOD"]) == "PUBLISH"
            assert str(event["STATUS"]) == "CONFIRMED"


def test_a_cancellation_outranks_the_earlier_invitation_in_calendars(world):
    confirmed = _one(world, "nomination_confirmed", training_id=world.cancelled.pk)
    cancelled = _one(world, "training_cancelled", address="ann@example.org")
    (before,) = _events(confirmed)
    (after,) = _events(cancelled)
    assert before["UID"] == after["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


@pytest.mark.parametrize("kind", sorted(SESSION_DATED))
def test_session_reminders_carry_the_session(world, kind):
    for sent in world.sent[kind]:
        slot = Slot.objects.get(uid=sent.row.context["slot"])
        events = _events(sent)
        assert events[0]["DTSTART"].dt == slot.start
        assert str(events[0]["UID"]) == f"{slot.uid}@unct-training"
        assert all(slot.start <= e["DTSTART"].dt < e["DTEND"].dt for e in events)


@pytest.mark.parametrize("kind", sorted(AGENDA_DATED))
def test_agenda_emails_carry_the_agenda(world, kind):
    starts = {slot.start for slot in slots_of(world.training)}
    for sent in world.sent[kind]:
        events = _events(sent)
        assert all(event["DTSTART"].dt in starts for event in events)


def test_session_24h_shows_the_room_time_and_the_recipients_time(world):
    lead = world.people["lead"]
    sent = [s for s in world.sent["session_24h"] if s.row.recipient_id == lead.pk]
    assert len(sent) == 8   # four online and four offline elements
    first = min(sent, key=lambda s: s.row.send_at)
    slot = Slot.objects.get(uid=first.row.context["slot"])
    # Mon 1 March 2027, 08:45 in Nairobi (EAT, UTC+3) is 00:45 in New York (EST, UTC-5).
    assert slot.start == datetime.datetime(2027, 3, 1, 5, 45, tzinfo=datetime.UTC)
    assert "Mon 1 Mar 2027, 08:45 EAT (Africa/Nairobi)" in first.email.body
    assert "= 00:45 EST your time (America/New_York)" in first.email.body
    assert "08:45 EAT" in first.html and "00:45 EST" in first.html
    for s in sent:   # every one, right for its instant
        start = Slot.objects.get(uid=s.row.context["slot"]).start
        nairobi = start.astimezone(zoneinfo.ZoneInfo("Africa/Nairobi"))
        new_york = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
        assert f"{nairobi:%H:%M} {nairobi:%Z} (Africa/Nairobi)" in s.email.body
        assert f"{new_york:%H:%M} {new_york:%Z} your time (America/New_York)" in s.email.body
        assert new_york.strftime("%Z") in ("EST", "EDT")


def test_a_participant_in_the_trainings_zone_sees_one_time(world):
    rapporteur = world.people["rapporteur"]
    sent = _one(world, "session_1h", recipient_id=rapporteur.pk)
    assert "EAT (Africa/Nairobi)" in sent.email.body
    assert "your time" not in sent.email.body and "your time" not in sent.html


def test_invitation_expiry_is_the_right_instant_in_both_zones(world):
    lead = world.people["lead"]
    sent = _one(world, "invitation", address=lead.email)
    invitation = Invitation.objects.get(email=lead.email, training=world.training)
    assert invitation.expires_at == NOW + datetime.timedelta(days=7)
    # 2026-12-08 09:00 UTC: 12:00 in Nairobi, 04:00 in New York (activated zone: Tokyo)
    expected = ("Tue 8 Dec 2026, 12:00 EAT (Africa/Nairobi) = "
                "04:00 EST your time (America/New_York)")
    assert expected in sent.email.body
    assert " UTC" not in sent.email.body
    assert "12:00 EAT" in sent.html and "04:00 EST" in sent.html
    (button,) = _buttons(sent.html)
    assert button.startswith(f"{SITE}/invitations/")
    assert button in sent.email.body


def test_user_input_is_escaped_in_html_and_plain_in_text(world):
    for kind in ("nomination_declined", "nomination_rco_update"):
        sent = _one(world, kind)
        assert "Not in the <UNCT> list" in sent.email.body
        assert "Not in the &lt;UNCT&gt; list" in sent.html
        assert "<UNCT>" not in sent.html


def test_a_nominee_without_an_account_sees_the_trainings_zone_only(world):
    sent = _one(world, "invitation", address="ben@example.org")
    assert "EAT (Africa/Nairobi)" in sent.email.body
    assert "your time" not in sent.email.body
    offer = world.sent["invitation_offer"][0]   # the first offer: NOW + 48 hours
    assert offer.row.address == "cai@example.org"
    assert offer.email.subject.endswith("accept by Thu 3 Dec 2026, 12:00 EAT")
    assert "Thu 3 Dec 2026, 12:00 EAT (Africa/Nairobi):" in offer.email.body
    assert "your time" not in offer.email.body
    assert "12:00 EAT" in offer.html
    (button,) = _buttons(offer.html)
    assert button.startswith(f"{SITE}/invitations/")


def test_offer_lapsing_and_notes_due_show_their_times(world):
    lapsing = _one(world, "offer_lapsing")
    assert "Thu 3 Dec 2026, 12:00 EAT (Africa/Nairobi)" in lapsing.email.body  # NOW + 48 h
    assert "12:00 EAT" in lapsing.html
    notes = _one(world, "notes_due")
    slot = Slot.objects.get(uid=notes.row.context["slot"])
    local = slot.end.astimezone(zoneinfo.ZoneInfo("Africa/Nairobi"))
    assert f"{local:%H:%M} EAT (Africa/Nairobi)" in notes.email.body
    assert f"{SITE}/trainings/{world.training.pk}/notes/" in notes.email.body


def test_a_message_sent_again_keeps_its_message_id(world):
    first = _one(world, "nomination_confirmed", training_id=world.training.pk)
    Message.objects.filter(pk=first.row.pk).update(state=Message.State.FAILED)
    with time_machine.travel(END, tick=False):
        services.resend(actor=None, message=Message.objects.get(pk=first.row.pk))
        mail.outbox = []
        deliver_due()
    (again,) = [m for m in mail.outbox if m.to == first.email.to]
    assert again.extra_headers["Message-ID"] == first.email.extra_headers["Message-ID"]
    assert again.extra_headers["Message-ID"] == rendering.message_id(first.key)
    assert again.subject == first.email.subject
    others = {s.email.extra_headers["Message-ID"] for sents in world.sent.values() for s in sents}
    assert len(others) == sum(len(sents) for sents in world.sent.values())  # one per message


def test_cancelling_a_training_keeps_its_announcement(world):
    """The training's reminders are cancelled with it; the email announcing the
    cancellation is not."""
    rows = Message.objects.filter(kind="training_cancelled", training=world.cancelled)
    assert rows.exists()
    assert not any(row.log.filter(after=Message.State.CANCELLED).exists() for row in rows)
