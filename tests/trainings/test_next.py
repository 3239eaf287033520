""""What to do next" (trainings.next and the sources the higher apps register): each source
lists what is due for the person and role, drops it once done, never lists what someone else
owns or another training's; the dashboard and the overview show the list by due date with
overdue entries said in words; the dashboard's query count does not grow with the trainings.

The sources take the instant to judge by (`now`), so the tests put the same training
(1-4 March 2027, Nairobi, Option 2) at different moments of its life."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Certificate, Document
from evaluation.models import ActionPlan, Commitment, Response, Survey
from notes.models import Question, SessionNote
from scheduling.models import ChecklistItem, Slot
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from tests.html import links, text_of
from trainings import next as next_items
from trainings import selectors
from trainings.models import CountryAdmin, Invitation, Membership, Nomination, Role, Training
from trainings.services import team

UTC = datetime.UTC
D = datetime.timedelta
BEFORE = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=UTC)        # T-88
MID_JANUARY = datetime.datetime(2027, 1, 10, 9, 0, tzinfo=UTC)    # T-50
DAY_ONE_AFTERNOON = datetime.datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
AFTER = datetime.datetime(2027, 3, 6, 9, 0, tzinfo=UTC)


def items_for(user, training, now):
    return next_items.collect(user, [training], now)


def texts(items):
    return [item.text for item in items]


def kinds(items):
    return {item.kind for item in items}


@pytest.fixture
def kenya(db):
    return training_with_agenda()


@pytest.fixture
def uganda(db):
    return training_with_agenda(title="Uganda", country="UG", tz="Africa/Kampala")


def member(training, role, user=None):
    user = user or UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    return user


def participant(training, user=None, email=None):
    user = user or UserFactory()
    Nomination.objects.create(training=training, full_name=user.full_name or "P",
                              email=email or user.email, un_entity="IOM", user=user,
                              status=Nomination.Status.CONFIRMED)
    return user


# --- checklist lines --------------------------------------------------------------------------

def test_checklist_lines_due_are_the_owners_and_go_once_done(kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    moderator = member(kenya, Role.MODERATOR)
    # T-50: the lead's lines of T-60 and T-56 are overdue, those of T-42 due within two weeks
    items = items_for(lead, kenya, MID_JANUARY)
    shown = [i for i in items if i.kind == "checklist"]
    assert "Checklist: Reach out to the UNCT" in texts(shown)
    assert shown[0].overdue and shown[0].due < MID_JANUARY
    assert not any("Complete and return the scoping survey" in t for t in texts(items))  # liaison's
    line = ChecklistItem.objects.get(training=kenya, key="reach-out-unct")
    assert shown[0].url == reverse("scheduling:checklist", args=[kenya.pk]) + f"#item-{line.pk}"
    # the moderator owns none of these lines: only their own next one
    mod_lines = [i for i in items_for(moderator, kenya, MID_JANUARY) if i.kind == "checklist"]
    assert texts(mod_lines) == ["Checklist: Room, equipment and materials ready for the offline "
                                "element – Module 1"]
    line.status = ChecklistItem.Status.DONE
    line.save()
    assert "Checklist: Reach out to the UNCT" not in texts(items_for(lead, kenya, MID_JANUARY))


def test_many_due_lines_are_capped_with_a_link_to_the_rest(kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    late = datetime.datetime(2027, 2, 20, 9, 0, tzinfo=UTC)   # a pile of overdue lines
    shown = [i for i in items_for(lead, kenya, late) if i.kind == "checklist"]
    assert len(shown) == 6
    assert shown[-1].text.endswith("more checklist lines due")
    assert shown[-1].url == reverse("scheduling:checklist", args=[kenya.pk])


def test_far_from_any_deadline_the_next_line_is_listed(kenya):
    rco = UserFactory()
    CountryAdmin.objects.create(user=rco, country="KE")
    items = [i for i in items_for(rco, kenya, BEFORE) if i.kind == "checklist"]
    assert texts(items) == ["Checklist: Receive participant nominations with core details"]
    assert not items[0].overdue


def test_a_lead_also_owns_the_facilitators_lines_but_a_facilitator_not_the_leads(kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    facilitator = member(kenya, Role.FACILITATOR)
    moment = datetime.datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    ChecklistItem.objects.filter(training=kenya, due_at__lt=moment).update(status="done")
    assert any("country profile" in t for t in texts(items_for(lead, kenya, moment)))
    mine = texts(items_for(facilitator, kenya, moment))
    assert any("country profile" in t for t in mine)
    assert not any("Reach out to the UNCT" in t for t in mine)


def test_staff_and_participants_own_no_checklist_line(kenya):
    staff = UserFactory(is_staff=True)
    person = participant(kenya)
    assert "checklist" not in kinds(items_for(staff, kenya, MID_JANUARY))
    assert "checklist" not in kinds(items_for(person, kenya, MID_JANUARY))


def test_another_trainings_lines_never_show(kenya, uganda):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    member(uganda, Role.LEAD_FACILITATOR)
    data = selectors.dashboard(lead, now=MID_JANUARY)
    assert {i.training.pk for i in data["next_items"]} == {kenya.pk}
    uganda_lines = ChecklistItem.objects.filter(training=uganda).values_list("pk", flat=True)
    assert not any(i.url.endswith(f"#item-{pk}") for pk in uganda_lines
                   for i in data["next_items"])


# --- nominations and invitations (trainings' own sources) -------------------------------------

def nominate(training, count):
    return [Nomination.objects.create(training=training, full_name=f"N {i}",
                                      email=f"n{i}-{training.pk}@example.org", un_entity="IOM")
            for i in range(count)]


def test_nominations_to_decide_for_facilitators_until_decided(kenya):
    facilitator = member(kenya, Role.FACILITATOR)
    moderator = member(kenya, Role.MODERATOR)
    rows = nominate(kenya, 2)
    item = next(i for i in items_for(facilitator, kenya, BEFORE)
                if i.kind == "nominations_to_decide")
    assert item.text == "2 nominations to decide"
    assert item.url == reverse("trainings:nominations", args=[kenya.pk])
    assert item.due == datetime.datetime(2027, 2, 8, 14, 0, tzinfo=UTC)  # deadline, 17:00 EAT
    assert "nominations_to_decide" not in kinds(items_for(moderator, kenya, BEFORE))
    Nomination.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=Nomination.Status.APPROVED)
    assert "nominations_to_decide" not in kinds(items_for(facilitator, kenya, BEFORE))


def test_rco_admins_send_nominations_by_the_deadline(kenya):
    Training.objects.filter(pk=kenya.pk).update(status=Training.Status.NOMINATIONS_OPEN,
                                                capacity=2)
    kenya.refresh_from_db()
    rco = UserFactory()
    CountryAdmin.objects.create(user=rco, country="KE")
    lead = member(kenya, Role.LEAD_FACILITATOR)
    item = next(i for i in items_for(rco, kenya, BEFORE) if i.kind == "nominations_to_send")
    assert item.text == "Nominations due in 67 days: 0 nominated for 2 seats"
    assert "nominations_to_send" not in kinds(items_for(lead, kenya, BEFORE))
    after_deadline = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=UTC)
    late = next(i for i in items_for(rco, kenya, after_deadline)
                if i.kind == "nominations_to_send")
    assert late.overdue and "deadline passed 2 days ago" in late.text
    nominate(kenya, 2)   # the seats are filled: nothing left to send
    assert "nominations_to_send" not in kinds(items_for(rco, kenya, after_deadline))


def test_pending_invitations_for_the_lead_and_the_invitee(client, kenya, uganda):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    facilitator = member(kenya, Role.FACILITATOR)
    invitee = UserFactory(email="ivan@example.org")
    stranger = UserFactory()
    invitation, _token = team.invite(actor=lead, training=kenya, email=invitee.email,
                                     kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    now = timezone.now()
    item = next(i for i in items_for(lead, kenya, now) if i.kind == "invitations_to_resend")
    assert item.text == "1 invitation pending: resend or revoke"
    assert item.url == reverse("trainings:team", args=[kenya.pk])
    assert "invitations_to_resend" not in kinds(items_for(facilitator, kenya, now))
    # the invitee: one entry to accept, on their dashboard only
    accept = selectors.dashboard(invitee)["my_invitations"]
    assert texts(accept) == [f"Accept your invitation: Rapporteur – {kenya}"]
    assert selectors.dashboard(stranger)["my_invitations"] == []
    client.force_login(stranger)
    assert client.get(accept[0].url).status_code == 404
    client.force_login(invitee)
    page = client.get(accept[0].url)
    assert page.status_code == 200 and "Accept" in text_of(page.content)
    response = client.post(accept[0].url, {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.filter(training=kenya, user=invitee, role=Role.RAPPORTEUR).exists()
    assert selectors.dashboard(invitee)["my_invitations"] == []
    assert "invitations_to_resend" not in kinds(items_for(lead, kenya, timezone.now()))
    # an expired one is overdue for the lead
    team.invite(actor=lead, training=kenya, email="late@example.org",
                kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    later = timezone.now() + D(days=8)
    expired = next(i for i in items_for(lead, kenya, later) if i.kind == "invitations_to_resend")
    assert expired.overdue and expired.text == "1 invitation expired: resend or revoke"


# --- notes and questions -----------------------------------------------------------------------

def test_rapporteur_files_notes_after_each_offline_element(kenya):
    rapporteur = member(kenya, Role.RAPPORTEUR)
    facilitator = member(kenya, Role.FACILITATOR)
    offline = list(Slot.objects.filter(training=kenya, kind="offline", module__number=1)
                   .order_by("start"))
    during = offline[0].start + D(minutes=5)
    assert "notes_to_file" not in kinds(items_for(rapporteur, kenya, during))
    items = [i for i in items_for(rapporteur, kenya, DAY_ONE_AFTERNOON)
             if i.kind == "notes_to_file"]
    assert texts(items) == ["File your notes: Module 1 offline element: Opening remarks "
                            "(and 3 more)"]
    assert items[0].url == reverse("notes:note", args=[kenya.pk, offline[0].pk])
    assert items[0].due == offline[-1].end + D(hours=2)
    assert "notes_to_file" not in kinds(items_for(facilitator, kenya, DAY_ONE_AFTERNOON))
    for slot in offline:
        SessionNote.objects.create(training=kenya, slot=slot, state=SessionNote.State.SUBMITTED)
    assert "notes_to_file" not in kinds(items_for(rapporteur, kenya, DAY_ONE_AFTERNOON))


def test_facilitators_answer_the_open_questions(kenya, uganda):
    facilitator = member(kenya, Role.FACILITATOR)
    moderator = member(kenya, Role.MODERATOR)
    asked = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    question = Question.objects.create(id=uuid.uuid4(), training=kenya, text="Data?",
                                       captured_at=asked)
    Question.objects.create(id=uuid.uuid4(), training=uganda, text="Other?", captured_at=asked)
    items = [i for i in items_for(facilitator, kenya, DAY_ONE_AFTERNOON)
             if i.kind == "questions_to_answer"]
    assert texts(items) == ["Answer 1 question from the room"]
    assert items[0].due == asked + D(days=1)
    assert "questions_to_answer" not in kinds(items_for(moderator, kenya, DAY_ONE_AFTERNOON))
    Question.objects.filter(pk=question.pk).update(status=Question.Status.ANSWERED, answer="Yes")
    assert "questions_to_answer" not in kinds(items_for(facilitator, kenya, DAY_ONE_AFTERNOON))


# --- surveys, action plans, documents ------------------------------------------------------------

def test_participant_surveys_while_open_and_unanswered(kenya):
    person = participant(kenya)
    lead = member(kenya, Role.LEAD_FACILITATOR)
    surveys = {s.kind: s for s in Survey.objects.filter(curriculum=kenya.curriculum)}
    before = items_for(person, kenya, BEFORE)
    assert f"Answer: {surveys['prior'].title}" in texts(before)
    assert "survey_module" not in kinds(before)
    assert not any(k.startswith("survey") for k in kinds(items_for(lead, kenya, BEFORE)))
    Response.objects.create(training=kenya, survey=surveys["prior"], respondent=person)
    assert "survey_prior" not in kinds(items_for(person, kenya, BEFORE))
    # after module 1's offline element started: its feedback; not yet the others
    day_one = items_for(person, kenya, DAY_ONE_AFTERNOON)
    module_items = [i for i in day_one if i.kind == "survey_module"]
    assert len(module_items) == 1 and "Module 1" in module_items[0].text
    assert module_items[0].url == reverse("evaluation:answer_module",
                                          args=[kenya.pk, surveys["module"].key, 1])
    assert "survey_closing" not in kinds(day_one)
    closing = [i for i in items_for(person, kenya, AFTER) if i.kind == "survey_closing"]
    assert len(closing) == 1
    Response.objects.create(training=kenya, survey=surveys["closing"], respondent=person)
    assert "survey_closing" not in kinds(items_for(person, kenya, AFTER))


def test_action_plan_follow_ups_at_30_and_90_days(kenya):
    person = participant(kenya)
    plan = ActionPlan.objects.create(training=kenya, participant=person)
    commitment = Commitment.objects.create(plan=plan, action="Add data",
                                           by_when=datetime.date(2027, 5, 1))
    Commitment.objects.filter(pk=commitment.pk).update(
        updated_at=datetime.datetime(2027, 3, 4, 12, 0, tzinfo=UTC))
    assert not {"action_plan_30", "action_plan_90"} & kinds(items_for(person, kenya, AFTER))
    near_30 = datetime.datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    item = next(i for i in items_for(person, kenya, near_30) if i.kind == "action_plan_30")
    assert item.text == "Action plan: +30-day follow-up – update 1 commitment"
    assert item.url == reverse("evaluation:plan", args=[kenya.pk])
    Commitment.objects.filter(pk=commitment.pk).update(updated_at=near_30)
    assert "action_plan_30" not in kinds(items_for(person, kenya, near_30))
    near_90 = datetime.datetime(2027, 5, 30, 9, 0, tzinfo=UTC)
    assert "action_plan_90" in kinds(items_for(person, kenya, near_90))
    Commitment.objects.filter(pk=commitment.pk).update(status=Commitment.Status.DONE)
    assert "action_plan_90" not in kinds(items_for(person, kenya, near_90))


def test_pack_and_certificate_until_made(kenya):
    person = participant(kenya)
    other = participant(kenya)
    nomination = Nomination.objects.get(training=kenya, user=person)
    week_before = datetime.datetime(2027, 2, 24, 9, 0, tzinfo=UTC)
    assert "pack" not in kinds(items_for(person, kenya, BEFORE))     # not online yet
    assert "pack" in kinds(items_for(person, kenya, week_before))
    Document.objects.create(training=kenya, kind=Document.Kind.PACK, participant=nomination,
                            input_hash="x", state=Document.State.READY)
    assert "pack" not in kinds(items_for(person, kenya, week_before))
    assert "pack" in kinds(items_for(other, kenya, week_before))     # theirs is not made
    certificate = Certificate.objects.create(training=kenya, participant=nomination,
                                             attendance_rate=1.0)
    assert "certificate" in kinds(items_for(person, kenya, AFTER))
    assert "certificate" not in kinds(items_for(other, kenya, AFTER))
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=AFTER)
    assert "certificate" not in kinds(items_for(person, kenya, AFTER))


# --- the pages ---------------------------------------------------------------------------------

def test_dashboard_lists_by_due_date_with_overdue_said_in_words(client, kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    nominate(kenya, 1)
    data = selectors.dashboard(lead, now=MID_JANUARY)
    dues = [i.due for i in data["next_items"] if i.due]
    assert dues == sorted(dues) and data["next_items"][0].overdue
    client.force_login(lead)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    text = text_of(html)
    assert "What to do next" in text and "1 nomination to decide" in text
    assert ("1 nomination to decide", reverse("trainings:nominations", args=[kenya.pk])) \
        in links(html)
    assert "Due Mon 8 Feb 2027, 17:00 EAT" in text      # the deadline, in the training's zone


def test_dashboard_card_shows_the_current_phase(client, db):
    soon = training_with_agenda(start=timezone.localdate() + D(days=30))
    lead = member(soon, Role.LEAD_FACILITATOR)
    client.force_login(lead)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Nominations" in text_of(current) and "Now" in text_of(current)


def test_overdue_entries_say_so(client, kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    ChecklistItem.objects.filter(training=kenya, key="reach-out-unct").update(
        due_at=timezone.now() - D(days=2))
    client.force_login(lead)
    text = text_of(client.get(reverse("trainings:dashboard")).content)
    assert "Checklist: Reach out to the UNCT Overdue: was due" in text


def test_overview_shows_my_next_steps_and_the_timeline(client, kenya):
    lead = member(kenya, Role.LEAD_FACILITATOR)
    nominate(kenya, 3)
    client.force_login(lead)
    html = client.get(reverse("trainings:detail", args=[kenya.pk])).content.decode()
    text = text_of(html)
    assert "What to do next" in text and "3 nominations to decide" in text
    assert "Timeline" in text and "Preparation 31 Dec 2026 – 17 Jan 2027" in text
    assert "Follow-up to +90 days 4 Apr 2027 – 2 Jun 2027" in text


def test_timeline_marks_the_current_phase(kenya):
    from trainings import timeline

    phases = timeline.phases(kenya, datetime.datetime(2027, 1, 20, 9, 0, tzinfo=UTC))
    assert [p.label for p in phases if p.is_current] == ["Nominations"]
    assert [p.state for p in phases][:2] == ["done", "current"]
    during = timeline.phases(kenya, datetime.datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    assert [p.label for p in during if p.is_current] == ["Delivery"]
    assert not any(p.is_current for p in timeline.phases(kenya, BEFORE))


def test_dashboard_queries_do_not_grow_with_trainings_or_items(client, db):
    """One training with one of each role's items against four; the same user holds every
    role (so every source runs), and each training has items of every source."""
    user = UserFactory()

    def add_training(n):
        training = training_with_agenda(title=f"T{n}", start=datetime.date(2027, 3, 1)
                                        + D(days=7 * n))
        for role in (Role.LEAD_FACILITATOR, Role.RAPPORTEUR, Role.MODERATOR):
            member(training, role, user)
        participant(training, user, email=f"me{n}@example.org")
        nominate(training, 2)
        Question.objects.create(id=uuid.uuid4(), training=training, text="Q",
                                captured_at=timezone.now())
        team.invite(actor=user, training=training, email=f"x{n}@example.org",
                    kind=Invitation.Kind.TEAM, role=Role.FACILITATOR)
        return training

    CountryAdmin.objects.create(user=user, country="KE")
    client.force_login(user)
    add_training(0)
    url = reverse("trainings:dashboard")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 4):
        add_training(n)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert text_of(response.content).count("nominations to decide") == 4
    assert len(four.captured_queries) == len(one.captured_queries)
