"""Every edit first records the slots as they were, so the last change can be undone."""

from django.db import transaction
from django.utils.dateparse import parse_datetime

from trainings.changes import changed

from ..models import Agenda, AgendaChange, Slot


def get_agenda(training):
    """The training's Agenda row, made if missing (writers only; readers use
    selectors.agenda_of, which never writes)."""
    agenda, _ = Agenda.objects.get_or_create(training=training)
    return agenda


def snapshot(training):
    slots = (Slot.objects.filter(training=training)
             .prefetch_related("sessions", "activity_parts").order_by("start", "pk"))
    return [{
        "uid": str(s.uid), "sequence": s.sequence, "start": s.start.isoformat(),
        "end": s.end.isoformat(), "kind": s.kind, "title": s.title, "items": s.items,
        "module_id": s.module_id,
        "session_ids": sorted(x.pk for x in s.sessions.all()),
        "part_ids": sorted(x.pk for x in s.activity_parts.all()),
        "leads": s.leads, "location": s.location, "note": s.note,
    } for s in slots]


def begin_change(*, actor, training, description, undoable=True):
    """Lock the agenda, remember the slots before the change, raise the version."""
    agenda = Agenda.objects.select_for_update().get(pk=get_agenda(training).pk)
    AgendaChange.objects.create(training=training, actor=actor, description=description[:300],
                                before=snapshot(training), undoable=undoable)
    agenda.version += 1
    agenda.save(update_fields=["version"])
    from .publishing import after_change

    after_change(agenda)
    changed(training, "agenda")
    return agenda


def _values(row):
    return {"start": parse_datetime(row["start"]), "end": parse_datetime(row["end"]),
            "kind": row["kind"], "title": row["title"], "items": row.get("items", []),
            "module_id": row["module_id"],
            "leads": row["leads"], "location": row["location"], "note": row["note"]}


@transaction.atomic
def restore(*, training, rows):
    """Make the slots equal to `rows` again. UIDs survive; every slot that changes (or comes
    back) gets a higher SEQUENCE, as calendar clients expect."""
    current = {str(s.uid): s for s in Slot.objects.filter(training=training)
               .prefetch_related("sessions", "activity_parts")}
    wanted = {row["uid"]: row for row in rows}
    Slot.objects.filter(training=training).exclude(uid__in=list(wanted)).delete()
    for uid, row in wanted.items():
        values = _values(row)
        slot = current.get(uid)
        if slot is None:
            slot = Slot.objects.create(training=training, uid=uid,
                                       sequence=row["sequence"] + 1, **values)
        else:
            same = all(getattr(slot, name) == value for name, value in values.items()) and \
                sorted(x.pk for x in slot.sessions.all()) == row["session_ids"] and \
                sorted(x.pk for x in slot.activity_parts.all()) == row["part_ids"]
            if same:
                continue
            for name, value in values.items():
                setattr(slot, name, value)
            slot.sequence += 1
            slot.save()
        slot.sessions.set(row["session_ids"])
        slot.activity_parts.set(row["part_ids"])
