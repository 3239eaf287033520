"""Scheduling's part of a training's lifecycle (trainings.lifecycle): what completing plans
(the action-plan follow-ups), and what "Duplicate" can copy (the agenda, shifted to the new
dates keeping local times; the checklist's own lines and notes)."""

from django.utils import timezone

from accounts.times import shift_keeping_wall_clock
from trainings.lifecycle import Line, register_copier, register_effect
from trainings.models import Training

from .messages.action_plan_30 import ActionPlan30
from .messages.base import People
from .models import ChecklistItem, Slot
from .services.history import begin_change


def follow_ups(training, status):
    participants = People.of(training).participants
    if not participants:
        return []
    when = ActionPlan30().first_send_at(training, participants, completed_at=timezone.now())
    return [Line("The action-plan follow-ups (30 and 90 days after the last day) are planned, "
                 "the first from", when=when)]


def copy_agenda(*, source, copy, actor):
    """Replace the copy's laid-out agenda with the source's slots, moved by the difference
    of the start dates at the same local time."""
    days = (copy.start_date - source.start_date).days
    agenda = begin_change(actor=actor, training=copy, undoable=False,
                          description=f"Copied the agenda of “{source}” ({days:+d} days)")
    Slot.objects.filter(training=copy).delete()
    slots = list(Slot.objects.filter(training=source).order_by("start", "pk")
                 .prefetch_related("sessions", "activity_parts"))
    made = Slot.objects.bulk_create([Slot(
        training=copy, kind=s.kind, title=s.title, items=s.items, module_id=s.module_id,
        leads=s.leads, location=s.location, note=s.note,
        start=shift_keeping_wall_clock(s.start, days=days, from_tz=source.time_zone,
                                       to_tz=copy.time_zone),
        end=shift_keeping_wall_clock(s.end, days=days, from_tz=source.time_zone,
                                     to_tz=copy.time_zone)) for s in slots])
    for new, old in zip(made, slots, strict=True):
        new.sessions.set(old.sessions.all())
        new.activity_parts.set(old.activity_parts.all())
    source_agenda = getattr(source, "agenda", None)
    if source_agenda is not None:
        agenda.template_key = source_agenda.template_key
        agenda.max_day_hours, agenda.max_gap_days = (source_agenda.max_day_hours,
                                                     source_agenda.max_gap_days)
        agenda.save(update_fields=["template_key", "max_day_hours", "max_gap_days"])


def copy_checklist(*, source, copy, actor):
    """The source's checklist lines, to do again: titles, owners, notes and evidence links;
    due dates set by hand move with the dates (the others follow the copy's dates when the
    checklist is planned after commit)."""
    days = (copy.start_date - source.start_date).days
    ChecklistItem.objects.bulk_create([ChecklistItem(
        training=copy, template_id=item.template_id, key=item.key, position=item.position,
        title=item.title, owner=item.owner, module_id=item.module_id, note=item.note,
        evidence_link=item.evidence_link, due_set_by_hand=item.due_set_by_hand,
        due_at=shift_keeping_wall_clock(item.due_at, days=days, from_tz=source.time_zone,
                                        to_tz=copy.time_zone) if item.due_at else None)
        for item in ChecklistItem.objects.filter(training=source)], ignore_conflicts=True)


register_effect(Training.Status.COMPLETED, follow_ups)
register_copier("agenda", "Copy the agenda (moved to the new dates)", copy_agenda)
register_copier("checklist", "Copy the checklist (its lines, notes and links, all to do "
                "again)", copy_checklist)
