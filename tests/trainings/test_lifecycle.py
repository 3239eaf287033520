"""The lifecycle controls of a training's overview (issue 16): the status stepper and what
each step does (told first, then done), edit details with titles that follow the dates, and
"Duplicate". Asserted through what people see: the pages, the outbox, the emails."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import Survey
from notes.services import save_outcome_summary
from notifications.delivery import deliver_due
from notifications.models import Message
from scheduling.models import ChecklistItem, Slot
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from tests.html import links, text_of
from trainings.models import Invitation, Membership, Nomination, Role, Training
from trainings.services.training import change_status, check_transition

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
LAST_DAY = datetime.datetime(2027, 3, 4, 12, 0, tzinfo=UTC)      # 15:00 in Nairobi, 4 March
WEEK_LATER = datetime.datetime(2027, 3, 11, 7, 0, tzinfo=UTC)    # a week after the last day
S = Training.Status


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _on_the_last_day():
    """Every test starts on the training's last day (people sign in then); some travel on."""
    with at(LAST_DAY):
        yield


def seated(training, count, *, start=0):
    """`count` confirmed participants with accounts (Nairobi time)."""
    people = []
    for i in range(start, start + count):
        user = UserFactory(email=f"seat{i}@example.org", full_name=f"Seat {i}",
                           time_zone="Africa/Nairobi")
        Nomination.objects.create(training=training, full_name=user.full_name, email=user.email,
                                  un_entity="IOM", status=Nomination.Status.CONFIRMED, user=user)
        people.append(user)
    return people


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A Nairobi training (1-4 March 2027, agenda laid out) in delivery, its lead (reading
    pages in New York) and two confirmed participants."""
    training = training_with_agenda(title="", city="Nairobi")
    lead = UserFactory(email="lead@example.org", time_zone="America/New_York")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    people = seated(training, 2)
    Training.objects.filter(pk=training.pk).update(status=S.IN_DELIVERY)
    training.refresh_from_db()
    return training, lead, people


def post_status(client, training, status, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("trainings:status", args=[training.pk]), {"status": status},
                           follow=True)


# --- the rule of transitions ---------------------------------------------------------------


@pytest.mark.parametrize("current,wanted,refusal", [
    (S.DRAFT, S.PLANNING, None),
    (S.PLANNING, S.NOMINATIONS_OPEN, None),
    (S.NOMINATIONS_OPEN, S.PLANNING, None),                 # back one step
    (S.CONFIRMED, S.IN_DELIVERY, None),
    (S.PLANNING, S.COMPLETED, "One step at a time"),        # no jump over the steps
    (S.DRAFT, S.CONFIRMED, "One step at a time"),
    (S.COMPLETED, S.CONFIRMED, "One step at a time"),
    (S.IN_DELIVERY, S.IN_DELIVERY, "already"),
    (S.CONFIRMED, S.CANCELLED, "Cancel training"),
    (S.CANCELLED, S.PLANNING, "cancelled training cannot"),
])
def test_one_step_at_a_time_forward_or_back(current, wanted, refusal):
    training = Training(status=current, start_date=datetime.date(2027, 3, 1),
                        end_date=datetime.date(2027, 3, 4), time_zone="Africa/Nairobi")
    reason = check_transition(training, wanted, today=datetime.date(2027, 3, 2))
    assert (reason is None) if refusal is None else (refusal in reason), reason


def test_a_training_is_completed_only_once_it_has_started_in_its_own_zone():
    training = Training(status=S.IN_DELIVERY, start_date=datetime.date(2027, 3, 1),
                        end_date=datetime.date(2027, 3, 4), time_zone="Africa/Nairobi")
    # 22:00 UTC on 28 February is already 1 March in Nairobi
    with at(datetime.datetime(2027, 2, 28, 20, 0, tzinfo=UTC)):
        assert "before it starts (Monday 1 March 2027)" in check_transition(training, S.COMPLETED)
    with at(datetime.datetime(2027, 2, 28, 22, 0, tzinfo=UTC)):
        assert check_transition(training, S.COMPLETED) is None


def test_a_refused_step_changes_nothing_and_says_why(client, world,
                                                     django_capture_on_commit_callbacks):
    training, lead, _people = world
    Training.objects.filter(pk=training.pk).update(status=S.PLANNING)
    client.force_login(lead)
    with at(LAST_DAY):
        page = text_of(post_status(client, training, S.COMPLETED,
                                   django_capture_on_commit_callbacks).content)
    assert "One step at a time: from “planning” the next step is “nominations open”" in page
    training.refresh_from_db()
    assert training.status == S.PLANNING
    assert not Message.objects.filter(training=training, kind="thank_you").exists()


# --- the stepper on the overview ---------------------------------------------------------------


def test_the_overview_shows_the_steps_and_offers_the_next_and_previous(client, world):
    training, lead, people = world
    client.force_login(lead)
    with at(LAST_DAY):
        html = client.get(training.get_absolute_url()).content.decode()
    steps = html[html.index('<ol class="status-steps"'):html.index("</ol>", html.index(
        '<ol class="status-steps"'))]
    assert text_of(steps) == ("Draft / planning (done) Nominations open (done) Confirmed (done) "
                              "In delivery Completed")
    assert steps.count('aria-current="step"') == 1
    assert '<li class="status-step status-step-current" aria-current="step">In delivery' in steps
    page = text_of(html)
    assert "Next: Completed" in page and "Back to Confirmed" in page
    assert "Edit details" in page and "Cancel training" in page
    # a participant sees where the training stands, and no control
    client.force_login(people[0])
    with at(LAST_DAY):
        page = text_of(client.get(training.get_absolute_url()).content)
    assert "In delivery" in page
    assert "Next: Completed" not in page and "Edit details" not in page


def test_before_the_start_the_overview_says_why_it_cannot_be_completed(client, world):
    training, lead, _people = world
    client.force_login(lead)
    with at(datetime.datetime(2027, 2, 20, 9, 0, tzinfo=UTC)):
        page = text_of(client.get(training.get_absolute_url()).content)
    assert ("Next step “Completed”: It cannot be completed before it starts "
            "(Monday 1 March 2027).") in page
    assert "Back to Confirmed" in page


@pytest.mark.parametrize("role,status", [
    (Role.MODERATOR, 403), (Role.TECH_SUPPORT, 403), (Role.RAPPORTEUR, 403)])
def test_only_those_the_matrix_allows_see_or_take_a_step(client, world, role, status,
                                                         django_capture_on_commit_callbacks):
    training, _lead, _people = world
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    client.force_login(user)
    url = reverse("trainings:status", args=[training.pk])
    assert client.get(url, {"status": S.COMPLETED}).status_code == status
    assert client.post(url, {"status": S.COMPLETED}).status_code == status
    outsider = UserFactory()
    other = training_with_agenda(title="Elsewhere", start=datetime.date(2027, 5, 3))
    Membership.objects.create(training=other, user=outsider, role=Role.LEAD_FACILITATOR)
    client.force_login(outsider)
    assert client.get(url, {"status": S.COMPLETED}).status_code == 404
    assert client.post(url, {"status": S.COMPLETED}).status_code == 404
    training.refresh_from_db()
    assert training.status == S.IN_DELIVERY


# --- completing: told first, then done -----------------------------------------------------------


def test_completing_lists_its_effects_first_then_opens_and_plans_them(
        client, world, django_capture_on_commit_callbacks):
    training, lead, people = world
    closing = Survey.objects.get(curriculum=training.curriculum, kind=Survey.Kind.CLOSING)

    def closing_row():
        client.force_login(people[0])
        page = text_of(client.get(reverse("evaluation:home", args=[training.pk])).content)
        return page.split(closing.title)[1].strip()

    with at(datetime.datetime(2027, 3, 1, 6, 0, tzinfo=UTC)):  # 1 March, still "confirmed"
        Training.objects.filter(pk=training.pk).update(status=S.CONFIRMED)
        assert closing_row().startswith("Not open now")

    client.force_login(lead)
    with at(datetime.datetime(2027, 3, 1, 6, 0, tzinfo=UTC)):
        page = text_of(client.get(reverse("trainings:status", args=[training.pk]),
                                  {"status": S.IN_DELIVERY}).content)
    assert "Move to “In delivery”" in page
    assert "The closing evaluation opens for the 2 confirmed participants." in page
    with at(datetime.datetime(2027, 3, 1, 6, 0, tzinfo=UTC)):
        post_status(client, training, S.IN_DELIVERY, django_capture_on_commit_callbacks)
        assert closing_row().startswith("Answer")
        home = client.get(reverse("evaluation:home", args=[training.pk])).content.decode()
    assert ("Answer", reverse("evaluation:answer", args=[training.pk, closing.key])) in links(home)

    client.force_login(lead)
    with at(LAST_DAY):
        response = client.get(reverse("trainings:status", args=[training.pk]),
                              {"status": S.COMPLETED})
    html = response.content.decode()
    page = text_of(html)
    assert "Move to “Completed”" in page
    # the morning after the last day, 09:00 in the participants' zone, shown in the training's
    # zone and the lead's (New York)
    assert ("The thank-you email with the outcome summary and a link to the outcome page is "
            "planned for the 2 confirmed participants, from Fri 5 Mar 2027, 09:00 EAT") in page
    assert "01:00 EST your time" in page
    assert "No outcome summary is written yet" in page
    assert ("Write the outcome summary", reverse("notes:outcome", args=[training.pk])) in \
        links(html)
    assert "No attendance has been taken, so no certificate can be issued yet." in page
    assert ("Documents page", reverse("documents:list", args=[training.pk])) in links(html)
    assert not Message.objects.filter(training=training, kind="thank_you").exists()  # not yet

    with at(LAST_DAY):
        page = text_of(post_status(client, training, S.COMPLETED,
                                   django_capture_on_commit_callbacks).content)
    assert "The training is now “Completed”." in page
    # the outbox lists one thank-you per confirmed participant, at 09:00 Nairobi on 5 March
    with at(LAST_DAY):
        outbox = text_of(client.get(reverse("trainings:outbox", args=[training.pk]),
                                    {"kind": "thank_you"}).content)
    for person in people:
        assert person.email in outbox
    rows = Message.objects.filter(training=training, kind="thank_you", state="scheduled")
    assert {m.send_at for m in rows} == {datetime.datetime(2027, 3, 5, 6, 0, tzinfo=UTC)}


def test_the_thank_you_carries_the_outcome_summary_and_a_link_to_the_outcome_page(
        world, django_capture_on_commit_callbacks, settings):
    training, lead, people = world
    settings.SITE_URL = "https://training.example.org/"
    save_outcome_summary(user=lead, training=training,
                         summary="<p>Migration is now in the CCA's <strong>chapter 3</strong>."
                                 "</p><script>alert(1)</script>")
    with at(LAST_DAY), django_capture_on_commit_callbacks(execute=True):
        change_status(actor=lead, training=training, status=S.COMPLETED)
    mail.outbox.clear()
    with at(datetime.datetime(2027, 3, 5, 6, 0, 30, tzinfo=UTC)):
        deliver_due()
    sent = [m for m in mail.outbox if "Thank you for taking part" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(p.email for p in people)
    email = sent[0]
    assert "Migration is now in the CCA's chapter 3." in email.body
    outcome = f"https://training.example.org/trainings/{training.pk}/outcome/"
    assert outcome in email.body
    html = email.alternatives[0][0]
    assert "<strong>chapter 3</strong>" in html and "<script" not in html
    assert f'href="{outcome}"' in html


def test_completed_a_week_late_the_thank_you_still_goes_soon_and_only_once(
        client, world, django_capture_on_commit_callbacks):
    training, lead, people = world
    client.force_login(lead)
    with at(WEEK_LATER):
        page = text_of(client.get(reverse("trainings:status", args=[training.pk]),
                                  {"status": S.COMPLETED}).content)
        # 10 minutes after completing (07:10 UTC is 10:10 in Nairobi), not the passed morning
        assert "from Thu 11 Mar 2027, 10:10 EAT" in page
        post_status(client, training, S.COMPLETED, django_capture_on_commit_callbacks)
    rows = Message.objects.filter(training=training, kind="thank_you")
    assert [(m.state, m.send_at) for m in rows] == [
        ("scheduled", WEEK_LATER + datetime.timedelta(minutes=10))] * 2
    mail.outbox.clear()
    with at(WEEK_LATER + datetime.timedelta(minutes=11)):
        assert deliver_due() >= 2
    assert len([m for m in mail.outbox if "Thank you" in m.subject]) == 2
    # back to in delivery and completed again: the sent thank-yous are not sent twice
    later = WEEK_LATER + datetime.timedelta(hours=2)
    with at(later):
        page = text_of(client.get(reverse("trainings:status", args=[training.pk]),
                                  {"status": S.IN_DELIVERY}).content)
        assert "Back to “In delivery”" in page
        assert "those already sent stay sent" in page
        post_status(client, training, S.IN_DELIVERY, django_capture_on_commit_callbacks)
        post_status(client, training, S.COMPLETED, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with at(later + datetime.timedelta(days=1)):
        deliver_due()
    assert not [m for m in mail.outbox if "Thank you" in m.subject]
    assert set(rows.values_list("state", flat=True)) == {"sent"}


def test_going_back_before_the_thank_you_went_cancels_it(
        world, django_capture_on_commit_callbacks):
    training, lead, _people = world
    with at(LAST_DAY), django_capture_on_commit_callbacks(execute=True):
        change_status(actor=lead, training=training, status=S.COMPLETED)
    with at(LAST_DAY), django_capture_on_commit_callbacks(execute=True):
        change_status(actor=lead, training=training, status=S.IN_DELIVERY)
    assert set(Message.objects.filter(training=training, kind="thank_you")
               .values_list("state", flat=True)) == {"cancelled"}
    mail.outbox.clear()
    with at(datetime.datetime(2027, 3, 6, 0, 0, tzinfo=UTC)):
        deliver_due()
    assert not [m for m in mail.outbox if "Thank you" in m.subject]


def test_the_confirmation_counts_who_may_get_a_certificate(client, world):
    from runsheet.models import Attendance

    training, lead, people = world
    slots = list(Slot.objects.filter(training=training).order_by("start")[:2])
    first, second = Nomination.objects.filter(training=training).order_by("pk")
    for slot in slots:   # the first attended both, the second one of two (50%)
        Attendance.objects.create(slot=slot, participant=first, status="present",
                                  recorded_at=LAST_DAY)
    Attendance.objects.create(slot=slots[0], participant=second, status="present",
                              recorded_at=LAST_DAY)
    client.force_login(lead)
    with at(LAST_DAY):
        html = client.get(reverse("trainings:status", args=[training.pk]),
                          {"status": S.COMPLETED}).content.decode()
    assert "Certificates can be issued to 1 participant (attendance of at least 80%)." in \
        text_of(html)
    assert ("Issue them on the Certificates page",
            reverse("documents:certificates", args=[training.pk])) in links(html)


def test_the_pages_ask_the_same_number_of_queries_for_more_participants(client, world):
    training, lead, _people = world
    client.force_login(lead)
    urls = [(training.get_absolute_url(), {}),
            (reverse("trainings:status", args=[training.pk]), {"status": S.COMPLETED})]

    def counts():
        found = []
        for url, params in urls:
            with at(LAST_DAY), CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    seated(training, 12, start=10)
    assert counts() == few


# --- edit details: dates move the agenda, the derived title follows ------------------------------


def edit(client, training, **changes):
    fields = {"title": training.title, "country": training.country.code, "city": training.city,
              "time_zone": training.time_zone, "start_date": training.start_date,
              "end_date": training.end_date, "schedule_option": training.schedule_option,
              "online_platform": training.online_platform,
              "meeting_link": training.meeting_link, "venue": training.venue,
              "capacity": training.capacity, "offer_hours": training.offer_hours}
    return client.post(reverse("trainings:edit", args=[training.pk]), {**fields, **changes},
                       follow=True)


def test_moving_the_dates_moves_the_agenda_and_the_derived_title_follows(
        client, django_capture_on_commit_callbacks):
    training = training_with_agenda(title="", city="Accra", country="GH", tz="Africa/Accra",
                                    start=datetime.date(2027, 5, 24))
    assert training.title == "Accra – May 2027"
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    first = Slot.objects.filter(training=training).order_by("start").first()
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, training, start_date="2027-06-07", end_date="2027-06-10")
    assert "Training saved." in text_of(response.content)
    training.refresh_from_db()
    assert training.title == "Accra – June 2027"
    assert "Accra – June 2027" in text_of(response.content)
    moved = Slot.objects.get(pk=first.pk)
    assert moved.start - first.start == datetime.timedelta(days=14)
    # a title someone wrote stays when the dates move again
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, training, title="Accra: migration in the CF")
    training.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, training, start_date="2027-07-05", end_date="2027-07-08", city="Kumasi")
    training.refresh_from_db()
    assert training.title == "Accra: migration in the CF"
    # emptied, the title is derived again
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, training, title="")
    training.refresh_from_db()
    assert training.title == "Kumasi – July 2027"


# --- duplicate ------------------------------------------------------------------------------------


def test_staff_duplicate_a_training_with_its_agenda_checklist_and_team(
        client, world, django_capture_on_commit_callbacks):
    training, lead, _people = world
    staff = UserFactory(is_staff=True)
    item = ChecklistItem.objects.filter(training=training).order_by("pk").first()
    ChecklistItem.objects.filter(pk=item.pk).update(note="Book the room early", status="done")
    client.force_login(staff)
    page = text_of(client.get(training.get_absolute_url()).content)
    assert "Duplicate" in page
    form = text_of(client.get(reverse("trainings:duplicate", args=[training.pk])).content)
    for label in ("Copy the agenda", "Copy the checklist", "Copy the team roles"):
        assert label in form
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("trainings:duplicate", args=[training.pk]), {
            "city": "Mombasa", "start_date": "2027-09-06", "end_date": "2027-09-09",
            "copy_agenda": "on", "copy_checklist": "on", "copy_team": "on"}, follow=True)
    copy = Training.objects.exclude(pk=training.pk).get(city="Mombasa")
    page = text_of(response.content)
    assert f"“Mombasa – September 2027” is a copy of “{training}”, in planning." in page
    assert copy.status == S.PLANNING and copy.title == "Mombasa – September 2027"
    assert response.redirect_chain[-1][0] == copy.get_absolute_url()
    # the agenda: the same slots, 189 days later at the same local time
    before = list(Slot.objects.filter(training=training).order_by("start")
                  .values_list("title", "start"))
    after = list(Slot.objects.filter(training=copy).order_by("start")
                 .values_list("title", "start"))
    assert [t for t, _ in after] == [t for t, _ in before]
    assert all(b - a == datetime.timedelta(days=189) for (_, a), (_, b) in zip(
        before, after, strict=True))
    copied = ChecklistItem.objects.get(training=copy, key=item.key)
    assert (copied.note, copied.status) == ("Book the room early", "todo")
    # the team is invited again, by email
    assert Invitation.objects.filter(training=copy, email=lead.email,
                                     role=Role.LEAD_FACILITATOR).exists()
    assert [m.to for m in mail.outbox if "Invitation" in m.subject] == [[lead.email]]
    assert not Nomination.objects.filter(training=copy).exists()


def test_a_duplicate_with_bad_dates_says_so_next_to_the_field_and_makes_nothing(
        client, world):
    training, lead, _people = world
    client.force_login(UserFactory(is_staff=True))
    count = Training.objects.count()
    response = client.post(reverse("trainings:duplicate", args=[training.pk]), {
        "city": "Mombasa", "start_date": "2027-09-06", "end_date": "2027-09-01",
        "copy_agenda": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_end_date-errors">The end date is before the start date.' in html
    assert Training.objects.count() == count
    # the lead facilitator may not create trainings: no "Duplicate", and 403 on the page
    client.force_login(lead)
    assert "Duplicate" not in text_of(client.get(training.get_absolute_url()).content)
    assert client.get(reverse("trainings:duplicate", args=[training.pk])).status_code == 403
