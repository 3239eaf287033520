"""Reads for notes: what each caller may see, in a fixed number of queries."""

from django.db.models import Prefetch

from scheduling.models import Slot, SlotKind

from .models import GroupOutput, Question, SectionVersion, SessionNote
from .services import heads

NOTE_KINDS = (SlotKind.ONLINE, SlotKind.OFFLINE)


def notes_of(training, *, published_only):
    versions = SectionVersion.objects.select_related("author").order_by("number")
    if published_only:
        versions = versions.filter(published=True)
    qs = SessionNote.objects.filter(training=training).select_related("slot__module")\
        .prefetch_related(Prefetch("versions", queryset=versions))
    if published_only:
        qs = qs.filter(published_at__isnull=False)
    return list(qs.order_by("slot__start"))


def note_payload(note, *, published_only):
    latest = heads(note)
    sections = {}
    for key, version in latest.items():
        entry = {"number": version.number, "text": version.text,
                 "author": str(version.author) if version.author else "",
                 "saved_at": version.created_at.isoformat(),
                 "change_note": version.change_note}
        if not published_only:
            entry["conflict_with"] = version.conflict_with
            if version.conflict_with:
                other = next((v for v in note.versions.all() if v.section == key
                              and v.number == version.conflict_with), None)
                entry["conflict_text"] = other.text if other else ""
                entry["conflict_author"] = str(other.author) if other and other.author else ""
        sections[key] = entry
    return {"slot": str(note.slot.uid), "title": note.slot.title, "kind": note.slot.kind,
            "module": note.slot.module.number if note.slot.module else None,
            "start": note.slot.start.isoformat(), "state": note.state,
            "published_at": note.published_at.isoformat() if note.published_at else None,
            "sections": sections}


def slots_for_notes(training):
    return list(Slot.objects.filter(training=training, kind__in=NOTE_KINDS)
                .select_related("module").order_by("start"))


def recap(training, module_number):
    """What the next online element opens with: the previous offline element's notes,
    outputs per activity and open questions."""
    offline = [s for s in slots_for_notes(training)
               if s.kind == SlotKind.OFFLINE and s.module and s.module.number == module_number]
    notes = {n.slot_id: n for n in SessionNote.objects.filter(slot__in=offline)
             .prefetch_related(Prefetch("versions", queryset=SectionVersion.objects
                                        .select_related("author")))}
    outputs = list(GroupOutput.objects.filter(training=training, part__module__number=module_number,
                                              part__phase="offline")
                   .select_related("part__activity").prefetch_related("attachments")
                   .order_by("part__activity__number", "part__position", "group_number"))
    questions = list(Question.objects.filter(training=training).exclude(status=Question.Status.ANSWERED)
                     .select_related("slot", "asked_by").order_by("captured_at"))
    return {"slots": [(slot, heads(notes[slot.pk]) if slot.pk in notes else {})
                      for slot in offline],
            "outputs": outputs, "questions": questions}
