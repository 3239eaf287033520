"""Reads for the agenda and the checklist: slots with what the pages show, grouped by local
day, with checks. Selectors never write and never import services: the Agenda row is made
when the training is laid out (services.layout), a calendar link when one is asked for."""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from accounts.times import local_date
from activities.models import ActivityPart
from trainings.models import Role
from trainings.rules import PARTICIPANT, RCO_ADMIN, STAFF, training_roles
from trainings.selectors import visible_trainings

from . import validation
from .models import PARTICIPANT_KINDS, Agenda, AgendaChange, CalendarFeed, ChecklistItem, Lead, Slot

ROLE_TO_LEAD = {Role.LEAD_FACILITATOR: Lead.FACILITATOR, Role.FACILITATOR: Lead.FACILITATOR,
                Role.TECH_SUPPORT: Lead.TECHNICAL_SUPPORT, Role.MODERATOR: Lead.MODERATOR,
                Role.RAPPORTEUR: Lead.RAPPORTEUR, RCO_ADMIN: Lead.RCO}
LEAD_LABELS = dict(Lead.choices)


def slots_of(training):
    return list(Slot.objects.filter(training=training).select_related("module").prefetch_related(
        "sessions", Prefetch("activity_parts",
                             queryset=ActivityPart.objects.select_related("activity"))))


def agenda_of(training):
    """The training's Agenda row; before the first layout an unsaved one with the defaults
    (not published, version 0, the default checks)."""
    return Agenda.objects.filter(training=training).first() or Agenda(training=training)


def agenda_report(training, slots=None):
    agenda = agenda_of(training)
    survey = getattr(training, "survey", None)
    return validation.check(training=training, slots=slots if slots is not None
                            else slots_of(training), max_day_hours=agenda.max_day_hours,
                            max_gap_days=agenda.max_gap_days,
                            blocked_dates=survey.blocked_dates if survey else ())


def leads_of(user, training):
    return {ROLE_TO_LEAD[r] for r in training_roles(user, training) if r in ROLE_TO_LEAD}


def is_personal(slot, leads, *, participant_view=True):
    return bool(set(slot.leads) & leads) or (participant_view and slot.kind in PARTICIPANT_KINDS)


def by_day(training, slots, report):
    days = defaultdict(list)
    for slot in slots:
        slot.issues = report.by_slot.get(slot.pk, [])
        slot.lead_labels = [LEAD_LABELS.get(lead, lead) for lead in slot.leads]
        slot.place = slot.where(training)
        days[local_date(slot.start, training.time_zone)].append(slot)
    return [{"date": day, "slots": day_slots, "issues": report.by_day.get(day, [])}
            for day, day_slots in sorted(days.items())]


def now_and_next(training, slots, now=None):
    now = now or timezone.now()
    current = next((s for s in slots if s.start <= now < s.end), None)
    upcoming = next((s for s in slots if s.start >= now and s is not current), None)
    return current, upcoming


def personal_slots(user, trainings):
    """Across trainings: slots the person leads, plus the slots participants attend."""
    rows = []
    for training in trainings:
        roles = training_roles(user, training)
        leads = leads_of(user, training)
        team = bool(roles & (set(Role.values) | {STAFF}))
        for slot in slots_of(training):
            if is_personal(slot, leads, participant_view=bool(roles & {PARTICIPANT, STAFF}) or team):
                rows.append((training, slot))
    return rows


def personal_days(user, training):
    """The person's slots of one training, by local day: [{"date", "slots"}]."""
    days = defaultdict(list)
    for _training, slot in personal_slots(user, [training]):
        days[local_date(slot.start, training.time_zone)].append(slot)
    return [{"date": day, "slots": day_slots} for day, day_slots in sorted(days.items())]


def last_change(training):
    """The change Undo would take back (None if none)."""
    return AgendaChange.objects.filter(training=training).select_related("actor").first()


def feed_of(user, training=None):
    """The user's live calendar link (for one training, or all theirs), None if none yet."""
    return CalendarFeed.objects.filter(user=user, training=training, revoked_at=None).first()


def feed_entries(feed):
    """(calendar name, [(training, slot)]) of a calendar link: a training's whole agenda, or
    across the trainings the person works on or attends, their slots."""
    user = feed.user
    if feed.training is not None:
        training = feed.training
        return f"{training} – agenda", [(training, s) for s in slots_of(training)]
    mine = [t for t in visible_trainings(user) if training_roles(user, t) - {STAFF}]
    return "My UNCT trainings", personal_slots(user, mine)


def checklist_of(training):
    return list(ChecklistItem.objects.filter(training=training).select_related(
        "status_by", "module", "template"))


def open_items_due_by(trainings, moment):
    return list(ChecklistItem.objects.filter(
        training__in=trainings, status__in=ChecklistItem.OPEN, due_at__lte=moment,
    ).select_related("training", "module").order_by("due_at"))
