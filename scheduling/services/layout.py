"""Lay out a training's agenda from a schedule template (Annex III) or from the
curriculum's element durations ("flexible")."""

import datetime

from django.db import transaction

from accounts.times import to_utc
from activities.models import ActivityPart
from curriculum.models import AgendaItem, Module, Session
from trainings.services.training import update_training

from ..models import Lead, ScheduleTemplate, Slot, SlotKind
from .history import begin_change

FLEXIBLE_DAY_START = datetime.time(8, 30)
FLEXIBLE_BREAK_MINUTES = 15
FLEXIBLE_DEBRIEF_MINUTES = 30


def _lookups(curriculum):
    modules = {m.number: m for m in Module.objects.filter(curriculum=curriculum)}
    sessions = {s.key: s for s in Session.objects.filter(curriculum=curriculum)}
    parts = {f"{p.activity.number}/{p.key}": p for p in ActivityPart.objects.filter(
        activity__curriculum=curriculum).select_related("activity")}
    return modules, sessions, parts


def _create(training, *, start, end, kind, title, items=(), module=None, sessions=(), parts=(),
            leads=(), note=""):
    slot = Slot.objects.create(training=training, start=start, end=end, kind=kind, title=title,
                               items=list(items), module=module, leads=list(leads), note=note)
    if sessions:
        slot.sessions.set(sessions)
    if parts:
        slot.activity_parts.set(parts)
    return slot


def _from_template(training, template):
    modules, sessions, parts = _lookups(training.curriculum)
    for row in template.slots.all():
        day = training.start_date + datetime.timedelta(days=row.day - 1)
        _create(training, start=to_utc(day, row.start, training.time_zone),
                end=to_utc(day, row.end, training.time_zone), kind=row.kind, title=row.title,
                items=row.items,
                module=modules.get(row.module_number),
                sessions=[sessions[k] for k in row.sessions if k in sessions],
                parts=[parts[r] for r in row.activity_parts if r in parts],
                leads=row.leads, note=row.note)


def _flexible(training):
    """One module a day: its online items, a break, its offline items, then a debriefing."""
    items = (AgendaItem.objects.filter(element__module__curriculum=training.curriculum)
             .select_related("element__module", "session")
             .prefetch_related("activity_parts").order_by("element__module__number",
                                                         "element__phase", "position"))
    by_module = {}
    for item in items:
        by_module.setdefault(item.element.module, []).append(item)
    for offset, (module, module_items) in enumerate(sorted(by_module.items(),
                                                           key=lambda kv: kv[0].number)):
        day = training.start_date + datetime.timedelta(days=offset)
        cursor = to_utc(day, FLEXIBLE_DAY_START, training.time_zone)
        online = [i for i in module_items if i.element.phase == "online"]
        offline = [i for i in module_items if i.element.phase == "offline"]
        for phase_items, kind, leads in [(online, SlotKind.ONLINE, [Lead.FACILITATOR]),
                                         (offline, SlotKind.OFFLINE, [Lead.MODERATOR])]:
            for item in phase_items:
                end = cursor + datetime.timedelta(minutes=item.minutes)
                _create(training, start=cursor, end=end, kind=kind, title=item.title,
                        module=module, sessions=[item.session] if item.session else [],
                        parts=list(item.activity_parts.all()), leads=leads)
                cursor = end
            if kind == SlotKind.ONLINE and offline:
                end = cursor + datetime.timedelta(minutes=FLEXIBLE_BREAK_MINUTES)
                _create(training, start=cursor, end=end, kind=SlotKind.BREAK, title="Break")
                cursor = end
        end = cursor + datetime.timedelta(minutes=FLEXIBLE_DEBRIEF_MINUTES)
        _create(training, start=cursor, end=end, kind=SlotKind.DEBRIEFING,
                title=f"Debriefing of Module {module.number} (facilitators, moderator, "
                      "rapporteurs)", module=module,
                leads=[Lead.FACILITATOR, Lead.MODERATOR, Lead.RAPPORTEUR])


def layout_description(template):
    """The history/undo label of a layout, naming it as the guide does ("Annex III Option 2:
    Four consecutive mornings, …"), never by its key."""
    if template is None:
        return FLEXIBLE_DESCRIPTION
    return f"Laid out the agenda from {template.name}"


FLEXIBLE_DESCRIPTION = "Laid out the agenda flexibly (one module a day)"


@transaction.atomic
def lay_out(*, actor, training, option=None, undoable=True):
    """Replace the agenda with the layout of `option` (default: the training's option)."""
    option = option or training.schedule_option
    template = None
    if option != "flexible":
        template = (ScheduleTemplate.objects.prefetch_related("slots")
                    .filter(curriculum=training.curriculum, key=option).first())
    agenda = begin_change(actor=actor, training=training, undoable=undoable,
                          description=layout_description(template))
    Slot.objects.filter(training=training).delete()
    if template is None:
        _flexible(training)
    else:
        _from_template(training, template)
    agenda.template_key = option
    agenda.save(update_fields=["template_key"])
    return agenda


@transaction.atomic
def choose_layout(*, actor, training, option):
    """Lay the agenda out again from `option`. A new option is a change of the training
    (trainings.services, which lays it out through the training_changed signal)."""
    if option != training.schedule_option:
        update_training(actor=actor, training=training, data={"schedule_option": option})
    else:
        lay_out(actor=actor, training=training, option=option)
