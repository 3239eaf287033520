"""Reads for the agenda and the checklist: slots with what the pages show, grouped by local
day, with checks. Selectors never write and never import services: the Agenda row is made
when the training is laid out (services.layout), a calendar link when one is asked for."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.times import local_date
from activities.models import ActivityPart
from trainings.models import CountryAdmin, Membership, Role
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


def checklist_rows(training):
    """The training's checklist as a queryset (the page filters it), with what it shows."""
    return ChecklistItem.objects.filter(training=training).select_related(
        "status_by", "module", "template")


def checklist_of(training):
    return list(checklist_rows(training))


def checklist_progress(training):
    """{"closed", "total", "percent"} over the whole checklist, in one query."""
    counts = ChecklistItem.objects.filter(training=training).aggregate(
        total=Count("pk"), closed=Count("pk", filter=~Q(status__in=ChecklistItem.OPEN)))
    total, closed = counts["total"], counts["closed"]
    return {"closed": closed, "total": total,
            "percent": round(100 * closed / total) if total else 0}


def open_items_due_by(trainings, moment):
    return list(ChecklistItem.objects.filter(
        training__in=trainings, status__in=ChecklistItem.OPEN, due_at__lte=moment,
    ).select_related("training", "module").order_by("due_at"))


# --- the checklist page: phases, owners, filters ------------------------------------------

# The phases of the guide's checklist (fixtures/checklists), from an item's deadline rule:
# (key, heading). Days are relative to the training's first day (T) or last day (E).
CHECKLIST_PHASES = [
    ("early", "Preparation: two months to four weeks before (T-60 to T-28)"),
    ("late", "Final preparation: the last four weeks (T-27 to T-1)"),
    ("opening", "Opening of the training"),
    ("modules", "Each module"),
    ("close", "Close of the training"),
    ("after", "After the training (up to T+90)"),
    ("other", "Other items (added by hand)"),
]
_PHASE_LABELS = dict(CHECKLIST_PHASES)


def checklist_phase(item):
    """The phase key of a checklist item, from its template's anchor and offset (an item
    whose due date was moved by hand stays in its phase)."""
    template = item.template
    if template is None:
        return "other"
    offset = template.offset_days or 0
    if template.anchor in ("module_start", "module_end"):
        return "modules"
    if template.anchor == "start":
        return "early" if offset <= -28 else "late" if offset < 0 else "opening"
    return "close" if offset <= 0 else "after"


def checklist_groups(items, now):
    """[{"key", "heading", "items", "count", "open", "overdue", "expanded"}] in the order of
    the phases; phases without items are left out. `expanded`: the group the team works on
    (the first with open items) and any with overdue items; the others start collapsed, so
    the page opens on what is due rather than on 50 lines. Reads nothing: `items` come from
    checklist_of."""
    groups = {key: [] for key, _heading in CHECKLIST_PHASES}
    for item in items:
        item.is_overdue = item.is_open and item.due_at is not None and item.due_at < now
        groups[checklist_phase(item)].append(item)
    found = [{"key": key, "heading": _PHASE_LABELS[key], "items": rows, "count": len(rows),
              "open": sum(1 for i in rows if i.is_open),
              "overdue": sum(1 for i in rows if i.is_overdue)}
             for key, rows in groups.items() if rows]
    current = next((group for group in found if group["open"]), None)
    for group in found:
        group["expanded"] = group is current or bool(group["overdue"])
    return found


def checklist_holders(training):
    """{owner role: [users holding it on the training]}: the team's memberships and the
    country's RCO admins, in two queries."""
    holders = defaultdict(list)
    for membership in Membership.objects.filter(training=training).select_related(
            "user").order_by("user__full_name", "user__email"):
        holders[membership.role].append(membership.user)
    for admin in CountryAdmin.objects.filter(country=training.country).select_related("user"):
        holders[RCO_ADMIN].append(admin.user)
    return dict(holders)


def owner_roles_of(roles):
    """The owner values of the items a person holding `roles` owns (a lead facilitator owns
    the facilitators' items too, as scheduling.rules.owns_item says)."""
    owned = set(roles) & (set(Role.values) | {RCO_ADMIN})
    if Role.LEAD_FACILITATOR in owned:
        owned.add(Role.FACILITATOR)
    return owned
