"""Reads for notes: what each caller may see, in a fixed number of queries. Selectors never
write and never import services (services import `heads` from here)."""

import difflib
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils.safestring import mark_safe

from activities.models import ActivityPart
from curriculum.models import GcmObjective
from scheduling.models import Slot, SlotKind

from .models import GroupOutput, OutcomeReport, Question, Section, SectionVersion, SessionNote
from .outcome import extra_sections
from .outputs import fields_of, shape_for
from .rendering import to_html

NOTE_KINDS = (SlotKind.ONLINE, SlotKind.OFFLINE)
OUTPUT_ORDER = ("part__activity__number", "part__position", "group_number")


def latest(versions):
    """{section: the version with the highest number} of some versions of one note."""
    found = {}
    for version in versions:
        if version.section not in found or version.number > found[version.section].number:
            found[version.section] = version
    return found


def heads(note):
    """{section: latest version} of a note (its prefetched versions, if prefetched)."""
    return latest(note.versions.all())


def sections(heads_by_section):
    """[(key, label, head version or None, its text as safe HTML)] in the order of Section."""
    return [(key, label, heads_by_section.get(key),
             to_html(heads_by_section[key].text) if key in heads_by_section else "")
            for key, label in Section.choices]


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
    sections_out = {}
    for key, version in heads(note).items():
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
        sections_out[key] = entry
    return {"slot": str(note.slot.uid), "title": note.slot.title, "kind": note.slot.kind,
            "module": note.slot.module.number if note.slot.module else None,
            "start": note.slot.start.isoformat(), "state": note.state,
            "published_at": note.published_at.isoformat() if note.published_at else None,
            "sections": sections_out}


def slots_for_notes(training):
    return list(Slot.objects.filter(training=training, kind__in=NOTE_KINDS)
                .select_related("module").order_by("start"))


def notes_index(training, *, published_only):
    """[(slot, its note or None)]; a reader of published notes sees only published ones."""
    notes = {n.slot_id: n for n in SessionNote.objects.filter(training=training)}
    rows = [(slot, notes.get(slot.pk)) for slot in slots_for_notes(training)]
    if published_only:
        rows = [(slot, note) for slot, note in rows if note and note.published_at]
    return rows


def note_sections(note, *, published_only):
    """The sections of a note as `sections()` gives them: the latest version of each, or
    the published one for a reader of published notes."""
    if note is None:
        return sections({})
    versions = SectionVersion.objects.filter(note=note).select_related("author")
    if published_only:
        versions = versions.filter(published=True)
    return sections(latest(versions))


def section_history(note, section):
    """[(version, [(op, line)])], newest first: each version with its diff to the previous."""
    versions = list(note.versions.filter(section=section).select_related("author")
                    .order_by("number"))
    rows, previous = [], ""
    for version in versions:
        diff = difflib.ndiff(previous.splitlines(), version.text.splitlines())
        rows.append((version, [(line[:1], line[2:]) for line in diff if line[:1] in "+- "]))
        previous = version.text
    rows.reverse()
    return rows


def questions_of(training, *, newest_first=True):
    return list(Question.objects.filter(training=training)
                .select_related("slot", "asked_by", "captured_by", "answered_by")
                .order_by("-captured_at" if newest_first else "captured_at"))


def open_questions(trainings):
    return list(Question.objects.filter(
        training__in=trainings,
        status__in=[Question.Status.OPEN, Question.Status.CARRIED_FORWARD])
        .select_related("training", "slot").order_by("captured_at"))


def outputs_by_part(training):
    """[(activity part that names an expected output, its group outputs)]."""
    parts = list(ActivityPart.objects.filter(activity__curriculum=training.curriculum)
                 .exclude(expected_output="").select_related("activity", "module")
                 .order_by("activity__number", "position"))
    outputs = {}
    for output in GroupOutput.objects.filter(training=training).prefetch_related("attachments"):
        outputs.setdefault(output.part_id, []).append(output)
    return [(part, outputs.get(part.pk, [])) for part in parts]


def gcm_objectives():
    return list(GcmObjective.objects.all())


def recap_modules(training):
    """Numbers of the modules that have notes-taking slots, in order."""
    return sorted({s.module.number for s in slots_for_notes(training) if s.module})


def recap(training, module_number):
    """What the next online element opens with: the previous offline element's notes (as
    `sections()`), outputs per activity and open questions."""
    offline = [s for s in slots_for_notes(training)
               if s.kind == SlotKind.OFFLINE and s.module and s.module.number == module_number]
    notes = {n.slot_id: n for n in SessionNote.objects.filter(slot__in=offline)
             .prefetch_related(Prefetch("versions", queryset=SectionVersion.objects
                                        .select_related("author")))}
    outputs = list(GroupOutput.objects.filter(training=training, part__module__number=module_number,
                                              part__phase="offline")
                   .select_related("part__activity").prefetch_related("attachments")
                   .order_by(*OUTPUT_ORDER))
    questions = list(Question.objects.filter(training=training).exclude(status=Question.Status.ANSWERED)
                     .select_related("slot", "asked_by").order_by("captured_at"))
    return {"slots": [(slot, sections(heads(notes[slot.pk]) if slot.pk in notes else {}))
                      for slot in offline],
            "outputs": group_outputs(outputs), "questions": questions}


class ShownOutput(NamedTuple):
    """A group output as the recap board, the outcome page and the outcome PDF show it."""

    output: GroupOutput
    heading: str            # "Group 2" or "Group 2 – Lions"
    fields: list            # [(field label, value)], the filled fields in the shape's order


def _shown_value(kind, value, objectives):
    if kind == "gcm_objective" and str(value).isdigit() and int(value) in objectives:
        return f"{int(value)}. {objectives[int(value)]}"
    return value


def group_outputs(outputs):
    """[ShownOutput] of some group outputs: each field with its label from the activity's
    output shape (notes.outputs), a GCM objective with its number and title ("17. Eliminate
    all forms of discrimination …"), the empty fields left out. One query (the 23 objectives)
    whatever the number of outputs; the outputs come with `part__activity` selected."""
    outputs = list(outputs)
    objectives = dict(GcmObjective.objects.values_list("number", "title")) if outputs else {}
    return [ShownOutput(o, o.heading, [
        (label, _shown_value(kind, o.data[name], objectives))
        for name, label, kind in fields_of(shape_for(o.part)) if o.data.get(name)])
        for o in outputs]


def outcome_report(training):
    """The outcome report's content, built once: the outcome page (notes) and the outcome
    PDF (documents) both render it. Published notes only; every group output; the sections
    other apps register (notes.outcome)."""
    report = OutcomeReport.objects.filter(training=training).first()
    notes = notes_of(training, published_only=True)
    outputs = (GroupOutput.objects.filter(training=training).select_related("part__activity")
               .order_by(*OUTPUT_ORDER))
    return {
        "report": report,
        # sanitised when saved (services.save_outcome_summary)
        "summary": mark_safe(report.summary) if report else "",  # noqa: S308
        "notes": [(note, [(label, to_html(v.text)) for key, label in Section.choices
                          for v in note.versions.all() if v.section == key]) for note in notes],
        "outputs": group_outputs(outputs),
        "extra_sections": extra_sections(training),
    }
