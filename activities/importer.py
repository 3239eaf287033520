"""The `activities:` section of a curriculum fixture (registered with curriculum.importer)."""

from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, TypeAdapter, ValidationError

from curriculum.importer import _duplicates
from curriculum.schema import Source, Strict

from .models import Activity, ActivityPart


class PartDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9]+$", max_length=10)
    label: str = Field(min_length=1, max_length=50)
    minutes: int | None = Field(default=None, ge=1, le=600)
    phase: Literal["online", "offline"]
    module: int
    instructions: str = ""
    guiding_questions: list[str] = []
    expected_output: str | None = None
    source: Source | None = None
    editor_notes: list[str] = []


class ActivityDoc(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    session: str | None = None
    summary: str = ""
    parts: list[PartDoc] = Field(min_length=1)
    source: Source | None = None
    editor_notes: list[str] = []


ACTIVITIES = TypeAdapter(list[ActivityDoc])


@dataclass
class Plan:
    problems: object
    activities: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def _check_activities(activities, doc, problems):
    """Unique numbers and part keys, known sessions and modules. {"<activity>/<part>": part}."""
    sessions = {s.key for module in doc.modules for s in module.sessions}
    modules = {module.number for module in doc.modules}
    parts = {}
    for dupe in _duplicates(a.number for a in activities):
        problems.add("", f"activity number {dupe} appears more than once")
    for i, activity in enumerate(activities):
        if activity.session is not None and activity.session not in sessions:
            problems.add(f"[{i}].session", f"unknown session '{activity.session}'")
        for dupe in _duplicates(p.key for p in activity.parts):
            problems.add(f"[{i}].parts", f"part key '{dupe}' appears more than once")
        for j, part in enumerate(activity.parts):
            if part.module not in modules:
                problems.add(f"[{i}].parts[{j}].module", f"unknown module {part.module}")
            parts[f"{activity.number}/{part.key}"] = part
    return parts


def _check_references(activities, parts, doc, problems):
    """Agenda items name the parts they run as "<activity>/<part key>"; handouts name the
    activities that use them by number."""
    for i, module in enumerate(doc.modules):
        for j, element in enumerate(module.elements):
            for k, item in enumerate(element.items):
                for n, ref in enumerate(item.activity_parts):
                    if ref not in parts:
                        problems.items.append((
                            f"modules[{i}].elements[{j}].items[{k}].activity_parts[{n}]",
                            f"unknown activity part '{ref}'",
                        ))
    numbers = {a.number for a in activities}
    for i, handout in enumerate(doc.handouts):
        field_name = "activity" if handout.activity is not None else "activities"
        for number in handout.activity_numbers:
            if number not in numbers:
                problems.items.append((f"handouts[{i}].{field_name}",
                                       f"unknown activity {number}"))


class ActivitiesSection:
    def validate(self, *, raw, doc, problems):
        plan = Plan(problems=problems)
        try:
            plan.activities = ACTIVITIES.validate_python(raw)
        except ValidationError as exc:
            problems.extend_pydantic(exc)
            return plan
        parts = _check_activities(plan.activities, doc, problems)
        _check_references(plan.activities, parts, doc, problems)
        plan.counts = {
            "activities": len(plan.activities),
            "activity_parts": sum(len(a.parts) for a in plan.activities),
        }
        return plan

    def apply(self, *, curriculum, plan, doc, context, sync):
        default_file = context["default_file"]

        def source(doc_source):
            if doc_source is None:
                return {"source_file": default_file, "source_section": ""}
            return {"source_file": doc_source.file or default_file,
                    "source_section": doc_source.section}

        parts_by_ref, keep_activities = {}, []
        for activity_doc in plan.activities:
            activity = sync.upsert(
                Activity, {"curriculum": curriculum, "number": activity_doc.number},
                {"title": activity_doc.title, "summary": activity_doc.summary,
                 "session": context["sessions"].get(activity_doc.session),
                 "editor_notes": activity_doc.editor_notes, **source(activity_doc.source)},
            )
            keep_activities.append(activity.pk)
            keep_parts = []
            for position, part_doc in enumerate(activity_doc.parts, start=1):
                part = sync.upsert(
                    ActivityPart, {"activity": activity, "key": part_doc.key},
                    {"label": part_doc.label, "position": position, "minutes": part_doc.minutes,
                     "phase": part_doc.phase, "module": context["modules"][part_doc.module],
                     "instructions": part_doc.instructions,
                     "guiding_questions": part_doc.guiding_questions,
                     "expected_output": part_doc.expected_output or "",
                     "editor_notes": part_doc.editor_notes,
                     **source(part_doc.source or activity_doc.source)},
                )
                keep_parts.append(part.pk)
                parts_by_ref[f"{activity.number}/{part.key}"] = part
            sync.prune(activity.parts.all(), keep_parts)
            activity.handouts.set([
                context["handouts"][h.number] for h in doc.handouts
                if activity.number in h.activity_numbers
            ])
        sync.prune(curriculum.activities.all(), keep_activities)

        for module_doc in doc.modules:
            for element_doc in module_doc.elements:
                for position, item_doc in enumerate(element_doc.items, start=1):
                    item = context["items"][(module_doc.number, element_doc.phase, position)]
                    item.activity_parts.set([parts_by_ref[ref] for ref in item_doc.activity_parts])
