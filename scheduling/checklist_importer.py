"""`kind: checklist_template` fixtures: a curriculum's checklist with deadline rules."""

from typing import Literal

from django.db import transaction
from pydantic import Field, model_validator

from curriculum.importer import (
    CurriculumImportError,
    ImportResult,
    Problems,
    Syncer,
    curriculum_named,
    parse,
)
from curriculum.schema import Source, Strict

from .models import Anchor, ChecklistTemplateItem

OWNERS = ("lead_facilitator", "facilitator", "tech_support", "moderator", "rapporteur",
          "liaison", "rco_admin")


class ItemDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$", max_length=60)
    title: str = Field(min_length=1, max_length=200)
    owner: Literal[OWNERS]
    anchor: Literal[tuple(Anchor.values)]
    offset_days: int | None = None
    offset_minutes: int | None = None
    window_days: int | None = Field(default=None, ge=0)
    guidance: str = ""
    source: Source | None = None

    @model_validator(mode="after")
    def offsets_fit_the_anchor(self):
        if self.anchor in ("start", "end") and self.offset_days is None:
            raise ValueError("offset_days is required for a start or end anchor")
        if self.anchor in ("module_start", "module_end") and self.offset_minutes is None:
            raise ValueError("offset_minutes is required for a module anchor")
        return self


class ChecklistDoc(Strict):
    kind: Literal["checklist_template"]
    curriculum: str
    source: Source
    items: list[ItemDoc] = Field(min_length=1)


@transaction.atomic
def import_checklist_template(data, *, file="<data>"):
    doc = parse(ChecklistDoc, data, file)
    curriculum = curriculum_named(doc.curriculum, file)
    problems = Problems()
    seen = set()
    for i, item in enumerate(doc.items):
        if item.key in seen:
            problems.add(f"items[{i}].key", f"key '{item.key}' appears more than once")
        seen.add(item.key)
    if problems:
        raise CurriculumImportError(file, problems.items)
    result = ImportResult(kind="checklist_template", key=doc.curriculum)
    sync = Syncer(result)
    keep = [sync.upsert(
        ChecklistTemplateItem, {"curriculum": curriculum, "key": item.key},
        {"position": position, "title": item.title, "owner": item.owner, "anchor": item.anchor,
         "offset_days": item.offset_days, "offset_minutes": item.offset_minutes,
         "window_days": item.window_days, "guidance": item.guidance,
         "source_section": (item.source or doc.source).section}).pk
        for position, item in enumerate(doc.items, start=1)]
    sync.prune(ChecklistTemplateItem.objects.filter(curriculum=curriculum), keep)
    result.counts = {"checklist_items": len(keep)}
    return result
