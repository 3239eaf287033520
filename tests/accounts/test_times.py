"""The one time helper (`accounts.times`, the `times` tag library), and a walk over every page
template that prints an instant, for a viewer in New York and a training in Nairobi.

The walk finds the templates by grep (any use of the time tags or filters), renders each
through the page that shows it, and asserts the instants: in the training's zone labelled
EAT, and in the viewer's zone (EST) beside it. A new template that prints a time fails the
walk until a page of it is added here. Emails are read back in
tests/notifications/test_kinds.py and PDFs in tests/documents/ (same helper)."""

import datetime
import re
import uuid
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts import times
from accounts.models import ApiToken
from documents.models import Certificate
from notes.models import Question, Section, SectionVersion, SessionNote
from notifications.models import Message
from runsheet.checkin_codes import checkin_url, window_of
from runsheet.models import CheckIn
from scheduling.models import PARTICIPANT_KINDS, Agenda, ChecklistItem, Slot
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from tests.html import text_of
from trainings.models import (
    Announcement,
    AuditEntry,
    CountryProfile,
    Invitation,
    Membership,
    Nomination,
    Role,
    ScopingSurvey,
    Training,
)
from trainings.services.invitations import issue

pytestmark = pytest.mark.django_db
INSTANT = datetime.datetime(2027, 3, 1, 9, 30, tzinfo=datetime.UTC)   # Mon 1 Mar 2027
NAIROBI, NEW_YORK = "Africa/Nairobi", "America/New_York"
ROOT = Path(settings.BASE_DIR)
TIME_TAGS = re.compile(r"\{%-?\s*(?:when|when_text|when_email|time_range)\b|\|(?:local_time|"
                       r"local_day|in_zone)\b|scheduling/_times\.html")


def render(source, **context):
    return text_of(Template("{% load times %}" + source).render(Context(context)))


# --- the helper ------------------------------------------------------------------------------

def test_an_instant_in_the_trainings_zone_and_the_viewers_beside_it():
    assert render("{% when at 'Africa/Nairobi' 'America/New_York' %}", at=INSTANT) == \
        "Mon 1 Mar 2027, 12:30 EAT 04:30 EST your time"
    assert render("{% when at 'Africa/Nairobi' 'Africa/Nairobi' %}", at=INSTANT) == \
        "Mon 1 Mar 2027, 12:30 EAT"
    assert times.when_text(INSTANT, NAIROBI, "Europe/Zurich") == \
        "Mon 1 Mar 2027, 12:30 EAT (Africa/Nairobi) = 10:30 CET your time (Europe/Zurich)"


def test_a_viewer_whose_zone_reads_the_same_clock_sees_it_once():
    # Amman and Nairobi are both UTC+3 (Amman has no abbreviation: "+03")
    assert render("{% when at 'Asia/Amman' 'Africa/Nairobi' %}", at=INSTANT) == \
        "Mon 1 Mar 2027, 12:30 +03"
    assert times.when_text(INSTANT, "Asia/Amman", NAIROBI) == "Mon 1 Mar 2027, 12:30 +03 (Asia/Amman)"
    # London and Lagos read the same clock in summer (BST = WAT = UTC+1), not in winter
    summer = datetime.datetime(2027, 7, 1, 9, 30, tzinfo=datetime.UTC)
    assert render("{% when at 'Europe/London' 'Africa/Lagos' %}", at=summer) == \
        "Thu 1 Jul 2027, 10:30 BST"
    assert render("{% when at 'Europe/London' 'Africa/Lagos' %}", at=INSTANT) == \
        "Mon 1 Mar 2027, 09:30 GMT 10:30 WAT your time"


def test_the_viewers_date_is_shown_when_it_is_another_day_there():
    late = datetime.datetime(2027, 3, 1, 2, 0, tzinfo=datetime.UTC)   # 05:00 EAT, 21:00 EST
    assert render("{% when at 'Africa/Nairobi' 'America/New_York' %}", at=late) == \
        "Mon 1 Mar 2027, 05:00 EAT Sun 28 Feb 2027, 21:00 EST your time"


def test_times_read_left_to_right_in_a_right_to_left_page():
    html = Template("{% load times %}{% when at 'Africa/Nairobi' 'Asia/Dubai' %}"
                    "{% time_range at end 'Africa/Nairobi' 'Africa/Nairobi' %}").render(
        Context({"at": INSTANT, "end": INSTANT + datetime.timedelta(hours=2)}))
    # every reading is isolated: an Arabic page cannot reorder "12:30 EAT" or "12:30–14:30"
    assert html.count("<bdi") == html.count("</bdi>") == 3
    assert "12:30–14:30 EAT" in text_of(html)


def test_ranges_follow_the_clock_change_of_the_zone():
    # Europe/Berlin moves to summer time on 28 March 2027: CET before, CEST after
    before = datetime.datetime(2027, 3, 27, 7, 30, tzinfo=datetime.UTC)
    after = datetime.datetime(2027, 3, 29, 6, 30, tzinfo=datetime.UTC)
    hour = datetime.timedelta(hours=1)
    assert times.range_text(before, before + hour, "Europe/Berlin") == "08:30–09:30 CET"
    assert times.range_text(after, after + hour, "Europe/Berlin") == "08:30–09:30 CEST"


# --- the walk --------------------------------------------------------------------------------

def page_templates():
    """Every page template (not emails, not PDFs) that prints an instant."""
    found = set()
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        for path in folder.rglob("*.html"):
            relative = str(path.relative_to(folder))
            if "/email/" in relative or "/pdf/" in relative or relative.startswith("times/"):
                continue
            if TIME_TAGS.search(path.read_text()):
                found.add(relative)
    return found


def reading(instant):
    """How the page must show `instant` (an oracle written out with zoneinfo, not the helper):
    the Nairobi wall clock labelled EAT, the New York one labelled EST/EDT beside it."""
    here = instant.astimezone(zoneinfo.ZoneInfo(NAIROBI))
    there = instant.astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    first = f"{here:%a} {here.day} {here:%b %Y, %H:%M} EAT"
    second = (f"{there:%H:%M} {there:%Z} your time" if there.date() == here.date() else
              f"{there:%a} {there.day} {there:%b %Y, %H:%M} {there:%Z} your time")
    return first, second


def span(slot):
    """A slot's range as a page must show it: "08:45–09:15 EAT" and "00:45–01:15 EST"."""
    nairobi, new_york = zoneinfo.ZoneInfo(NAIROBI), zoneinfo.ZoneInfo(NEW_YORK)
    here, there = slot.start.astimezone(nairobi), slot.start.astimezone(new_york)
    return (f"{here:%H:%M}–{slot.end.astimezone(nairobi):%H:%M} EAT",
            f"{there:%H:%M}–{slot.end.astimezone(new_york):%H:%M} {there:%Z}")


@pytest.fixture
def world():
    training = training_with_agenda()
    lead = UserFactory(time_zone=NEW_YORK, is_staff=True)
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    at = {"fixed": INSTANT}
    # an invitation (team page, the public invitation page, the invitee's dashboard)
    invitation, token = issue(actor=lead, training=training, email=lead.email, kind="team",
                              role=Role.FACILITATOR)
    newcomer, token = issue(actor=lead, training=training, email="new@example.org",
                            kind="team", role=Role.RAPPORTEUR)   # no account: the page opens
    Invitation.objects.filter(pk__in=[invitation.pk, newcomer.pk]).update(
        sent_at=INSTANT, expires_at=INSTANT + datetime.timedelta(days=3650))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=INSTANT)
    # what people saved, answered, changed
    ScopingSurvey.objects.filter(training=training).update(updated_by=lead, updated_at=INSTANT)
    CountryProfile.objects.update_or_create(country=training.country,
                                            defaults={"updated_by": lead})
    CountryProfile.objects.filter(country=training.country).update(updated_at=INSTANT)
    AuditEntry.objects.filter(training=training).update(created_at=INSTANT)
    Agenda.objects.filter(training=training).update(published_at=INSTANT)
    Message.objects.filter(training=training).update(send_at=INSTANT)
    Question.objects.create(id=uuid.uuid4(), training=training, text="Where is the data?",
                            captured_at=INSTANT,
                            source="run mode")
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    note = SessionNote.objects.create(training=training, slot=slot)
    SectionVersion.objects.create(note=note, section=Section.choices[0][0], number=1,
                                  text="Notes", author=lead, created_at=INSTANT)
    # a checklist line due now (my checklists lists what is due this week)
    item = ChecklistItem.objects.filter(training=training).first()
    due = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    ChecklistItem.objects.filter(pk=item.pk).update(due_at=due)
    at["due"] = due
    # a cancelled training and a revoked certificate (header, verification page)
    cancelled = training_with_agenda(title="Ghana", country="GH", tz=NAIROBI)
    Membership.objects.create(training=cancelled, user=lead, role=Role.LEAD_FACILITATOR)
    Training.objects.filter(pk=cancelled.pk).update(status="cancelled", cancelled_at=INSTANT,
                                                    cancel_reason="Postponed")
    participant = Nomination.objects.create(training=training, full_name="Amina Diallo",
                                            email="amina@example.org", un_entity="IOM",
                                            status=Nomination.Status.CONFIRMED)
    Nomination.objects.create(training=training, full_name="Ben Okafor", email="ben@example.org",
                              un_entity="UNDP", status=Nomination.Status.WAITLISTED,
                              waitlist_position=1, offer_expires_at=INSTANT)
    certificate = Certificate.objects.create(training=training, participant=participant,
                                             attendance_rate=0.9)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=INSTANT)
    return training, cancelled, lead, token, certificate, slot, at


def test_every_page_that_prints_an_instant_shows_it_in_both_zones(client, world):
    training, cancelled, lead, token, certificate, slot, at = world
    client.force_login(lead)
    pk = training.pk
    fixed = reading(INSTANT)
    slots = Slot.objects.filter(training=training).order_by("start")
    first = slots.first()
    first_for_participants = slots.filter(kind__in=PARTICIPANT_KINDS).first()
    first_slot = reading(slot.start)[0][:-4]   # "Mon 1 Mar 2027, 08:45" (then " EAT")
    pages = {
        reverse("trainings:dashboard"): [fixed],
        reverse("trainings:team", args=[pk]): [fixed],
        reverse("trainings:survey", args=[pk]): [fixed],
        reverse("trainings:country_profile", args=[pk]): [fixed],
        reverse("trainings:audit", args=[pk]): [fixed],
        reverse("trainings:nominations", args=[pk]): [fixed],
        reverse("trainings:outbox", args=[pk]): [fixed],
        reverse("trainings:detail", args=[cancelled.pk]): [fixed],
        reverse("scheduling:agenda", args=[pk]): [fixed],
        reverse("scheduling:mine", args=[pk]): [span(first_for_participants)],
        reverse("scheduling:now", args=[pk]): [span(first)],
        reverse("scheduling:checklist", args=[pk]): [reading(at["due"])],
        reverse("scheduling:my_checklists"): [reading(at["due"])],
        reverse("notes:questions", args=[pk]): [fixed],
        reverse("notes:index", args=[pk]): [(first_slot, "")],
        reverse("notes:note", args=[pk, slot.pk]): [fixed, (first_slot, "")],
        reverse("notes:history", args=[pk, slot.pk, Section.choices[0][0]]): [fixed],
        reverse("scheduling:slot_editor", args=[pk, slot.pk]): [],
        # the stepper's confirmation (its times: tests/trainings/test_lifecycle.py)
        reverse("trainings:status", args=[pk]) + "?status=nominations_open": [],
    }
    message = Message.objects.filter(training=training).first()
    pages[reverse("trainings:outbox_message", args=[pk, message.pk])] = [fixed]
    # the attendance report heads each session with its start (runsheet attendance tests)
    pages[reverse("runsheet:attendance", args=[pk])] = [
        reading(slots.filter(kind__in=["online", "offline"]).first().start)]
    # the profile's API tokens, in the viewer's own zone only (accounts/test_api_tokens.py)
    ApiToken.objects.create(user=lead, name="Feed", prefix="0123456789", key_hash="0" * 64,
                            expires_at=INSTANT, last_used_at=INSTANT)
    own = INSTANT.astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    pages[reverse("accounts:profile")] = [(f"{own:%a} {own.day} {own:%b %Y, %H:%M} EST", "")]
    # an announcement, sent at INSTANT (tests/trainings/test_announcements.py)
    announcement = Announcement.objects.create(training=training, author=lead, audience="team",
                                               subject="Room", body="Room 4", key=uuid.uuid4())
    Announcement.objects.filter(pk=announcement.pk).update(created_at=INSTANT)
    pages[reverse("trainings:announcements", args=[pk])] = [fixed]
    rendered = set()
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response.content)
        for first, second in expected:
            assert first in text, (url, first)
            assert second in text, (url, second)
        shown = text_of(re.sub(r"(?s)<option\b.*?</option>", "", response.content.decode()))
        utc = re.search(r".{0,80}\bUTC\b.{0,40}", shown)   # zone pickers list Etc/UTC
        assert utc is None, (url, utc and utc[0])
        rendered |= {t.name for t in response.templates}
    # the check-in page a participant's phone opens from run mode's QR code, after checking
    # in at INSTANT (tests/runsheet/test_checkin.py)
    phone = UserFactory(time_zone=NEW_YORK)
    Nomination.objects.filter(pk=certificate.participant_id).update(user=phone)
    CheckIn.objects.create(user=phone, slot=slot, participant_id=certificate.participant_id,
                           outcome=CheckIn.Outcome.CHECKED_IN, at=INSTANT)
    client.force_login(phone)
    link = checkin_url(slot.uid, window_of(timezone.now()))[len(settings.SITE_URL.rstrip("/")):]
    response = client.get(link)
    assert response.status_code == 200
    for shown in (*fixed, *reading(slot.start)):
        assert shown in text_of(response.content), shown
    rendered |= {t.name for t in response.templates}
    # the public pages: the invitation link and the certificate check
    client.logout()
    ten_years = reading(INSTANT + datetime.timedelta(days=3650))[0]
    for url, shown in ((reverse("trainings:invitation", args=[token]), ten_years),
                       (reverse("documents:verify", args=[certificate.code]), fixed[0])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in text_of(response.content), url
        rendered |= {t.name for t in response.templates}
    missing = page_templates() - rendered
    assert missing == set(), f"templates printing times that no page of the walk shows: {missing}"


def test_an_agenda_row_shows_the_slot_in_both_zones(client, world):
    training, _cancelled, lead, *_ = world
    client.force_login(lead)
    slot = Slot.objects.filter(training=training).order_by("start").first()
    text = text_of(client.get(reverse("scheduling:agenda", args=[training.pk])).content)
    here = slot.start.astimezone(zoneinfo.ZoneInfo(NAIROBI))
    end = slot.end.astimezone(zoneinfo.ZoneInfo(NAIROBI))
    there = slot.start.astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    there_end = slot.end.astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    assert f"{here:%H:%M}–{end:%H:%M} EAT" in text
    assert f"{there:%H:%M}–{there_end:%H:%M} EST" in text


def test_an_audit_entry_names_a_slot_in_the_trainings_zone(client, world):
    from trainings.services import audit

    training, _cancelled, lead, _token, _certificate, slot, _at = world
    note = SessionNote.objects.get(slot=slot)
    audit.record(training=training, actor=lead, action="notes published", obj=note)
    client.force_login(lead)
    text = text_of(client.get(reverse("trainings:audit", args=[training.pk])).content)
    here = slot.start.astimezone(zoneinfo.ZoneInfo(NAIROBI))
    assert f"Notes: {slot.title} ({here:%a} {here.day} {here:%b %Y, %H:%M} EAT)" in text
    utc = slot.start.astimezone(datetime.UTC)
    assert f"{utc:%Y-%m-%d %H:%M}" not in text   # the unlabelled UTC reading
