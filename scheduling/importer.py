"""`kind: schedule_templates` fixtures (Annex III), validated and imported like curricula."""

import datetime
from typing import Literal

from django.db import transaction
from pydantic import Field, field_validator

from activities.models import ActivityPart
from curriculum.importer import (
    CurriculumImportError,
    ImportResult,
    Problems,
    Syncer,
    curriculum_named,
    parse,
)
from curriculum.models import Module, Session
from curriculum.schema import Source, Strict

from .models import Lead, ScheduleTemplate, SlotKind, TemplateSlot


class SlotDoc(Strict):
    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    end: str = Field(pattern=r"^\d{2}:\d{2}$")
    kind: Literal[tuple(SlotKind.values)]
    module: int | None = None
    title: str = Field(min_length=1, max_length=400)
    items: list[str] = []
    sessions: list[str] = []
    activity_parts: list[str] = []
    leads: list[Literal[tuple(Lead.values)]] = []
    note: str | None = None

    @field_validator("start", "end")
    @classmethod
    def valid_time(cls, value):
        datetime.time.fromisoformat(value)
        return value


class DayDoc(Strict):
    day: int = Field(ge=1, le=31)
    slots: list[SlotDoc] = Field(min_length=1)


class TemplateDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$", max_length=20)
    title: str = Field(min_length=1, max_length=300)
    summary: str = ""
    editor_notes: list[str] = []
    days: list[DayDoc] = Field(min_length=1)


class TemplatesDoc(Strict):
    kind: Literal["schedule_templates"]
    curriculum: str
    source: Source
    templates: list[TemplateDoc]


def _check_slot(slot, path, known, problems):
    modules, sessions, parts = known
    if slot.end <= slot.start:
        problems.add(f"{path}.end", f"ends ({slot.end}) before it starts ({slot.start})")
    if slot.module is not None and slot.module not in modules:
        problems.add(f"{path}.module", f"unknown module {slot.module}")
    for i, key in enumerate(slot.sessions):
        if key not in sessions:
            problems.add(f"{path}.sessions[{i}]", f"unknown session '{key}'")
    for i, ref in enumerate(slot.activity_parts):
        if ref not in parts:
            problems.add(f"{path}.activity_parts[{i}]", f"unknown activity part '{ref}'")


def _validate(data, file):
    doc = parse(TemplatesDoc, data, file)
    curriculum = curriculum_named(doc.curriculum, file)
    problems = Problems()
    known = (set(Module.objects.filter(curriculum=curriculum).values_list("number", flat=True)),
             set(Session.objects.filter(curriculum=curriculum).values_list("key", flat=True)),
             {f"{a}/{k}" for a, k in ActivityPart.objects.filter(
                 activity__curriculum=curriculum).values_list("activity__number", "key")})
    for t, template in enumerate(doc.templates):
        for d, day in enumerate(template.days):
            for s, slot in enumerate(day.slots):
                _check_slot(slot, f"templates[{t}].days[{d}].slots[{s}]", known, problems)
    if problems:
        raise CurriculumImportError(file, problems.items)
    return doc, curriculum


@transaction.atomic
def import_schedule_templates(data, *, file="<data>"):
    doc, curriculum = _validate(data, file)
    result = ImportResult(kind="schedule_templates", key=doc.curriculum)
    sync = Syncer(result)
    keep_templates = []
    for template_doc in doc.templates:
        template = sync.upsert(
            ScheduleTemplate, {"curriculum": curriculum, "key": template_doc.key},
            {"title": template_doc.title, "summary": template_doc.summary,
             "editor_notes": template_doc.editor_notes, "source_file": doc.source.file or "",
             "source_section": doc.source.section})
        keep_templates.append(template.pk)
        keep_slots = []
        for day in template_doc.days:
            for position, slot in enumerate(day.slots, start=1):
                keep_slots.append(sync.upsert(
                    TemplateSlot, {"template": template, "day": day.day, "position": position},
                    {"start": datetime.time.fromisoformat(slot.start),
                     "end": datetime.time.fromisoformat(slot.end), "kind": slot.kind,
                     "module_number": slot.module, "title": slot.title, "items": slot.items,
                     "sessions": slot.sessions, "activity_parts": slot.activity_parts,
                     "leads": slot.leads, "note": slot.note or ""}).pk)
        sync.prune(template.slots.all(), keep_slots)
    sync.prune(ScheduleTemplate.objects.filter(curriculum=curriculum), keep_templates)
    result.counts = {"templates": len(doc.templates),
                     "template_slots": sum(len(d.slots) for t in doc.templates for d in t.days)}
    return result
