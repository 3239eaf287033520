"""Reads for the agenda: slots with what the pages show, grouped by local day, with checks."""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from activities.models import ActivityPart
from trainings.models import Role
from trainings.rules import FACILITATORS, PARTICIPANT, RCO_ADMIN, STAFF, training_roles

from . import validation
from .models import PARTICIPANT_KINDS, Lead, Slot
from .services.history import get_agenda  # noqa: F401 - re-exported for views and the API
from .timeutils import local_date

ROLE_TO_LEAD = {Role.LEAD_FACILITATOR: Lead.FACILITATOR, Role.FACILITATOR: Lead.FACILITATOR,
                Role.TECH_SUPPORT: Lead.TECHNICAL_SUPPORT, Role.MODERATOR: Lead.MODERATOR,
                Role.RAPPORTEUR: Lead.RAPPORTEUR, RCO_ADMIN: Lead.RCO}
LEAD_LABELS = dict(Lead.choices)


def slots_of(training):
    return list(Slot.objects.filter(training=training).select_related("module").prefetch_related(
        "sessions", Prefetch("activity_parts",
                             queryset=ActivityPart.objects.select_related("activity"))))


def agenda_report(training, slots=None):
    agenda = get_agenda(training)
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


def facilitators_can_edit(user, training):
    return bool(training_roles(user, training) & (FACILITATORS | {STAFF}))
