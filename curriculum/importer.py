"""Import curricula and reference data from YAML/JSON fixtures.

Idempotent: records are matched by their natural keys, updated in place, and whatever the
file no longer holds is removed. Validating: every problem is reported with the file, the
path inside the document and what is wrong, and nothing is written unless all is valid
(one transaction). Higher apps add sections (e.g. `activities`) with `register_section`.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from pydantic import ValidationError

from . import models as m
from .schema import CurriculumDoc, ReferenceDoc

_SECTIONS = {}
_KINDS = {}


def register_section(name, handler):
    """`handler(curriculum=, doc=, raw=, context=, errors=)` imports the raw `name` section."""
    _SECTIONS[name] = handler


def register_kind(kind, handler):
    """`handler(data, file=)` imports a whole document of this `kind` (higher apps' fixtures)."""
    _KINDS[kind] = handler


class CurriculumImportError(Exception):
    def __init__(self, file, problems):
        self.file = str(file)
        self.problems = problems  # list of (path, message)
        lines = [f"{self.file}: {path or '(document)'}: {message}" for path, message in problems]
        super().__init__("\n".join(lines))


@dataclass
class ImportResult:
    kind: str
    key: str
    counts: dict = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


class Problems:
    """Collects validation problems with their document paths."""

    def __init__(self, prefix=""):
        self.prefix = prefix
        self.items = []

    def add(self, path, message):
        self.items.append((f"{self.prefix}{path}", message))

    def extend_pydantic(self, error: ValidationError, prefix=""):
        for err in error.errors():
            path = prefix + format_loc(err["loc"])
            message = err["msg"]
            if err["type"] not in {"missing", "extra_forbidden"} and "input" in err:
                message += f" (got {err['input']!r:.60})"
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            self.add(path, message)

    def __bool__(self):
        return bool(self.items)


def parse(schema, data, file):
    """Validate `data` against a pydantic schema; every problem names its path."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems = Problems()
        problems.extend_pydantic(exc)
        raise CurriculumImportError(file, problems.items) from exc


def curriculum_named(slug, file):
    """The curriculum a higher app's fixture (schedules, checklists, surveys) belongs to."""
    curriculum = m.Curriculum.objects.filter(slug=slug).first()
    if curriculum is None:
        raise CurriculumImportError(file, [("curriculum", f"unknown curriculum '{slug}' "
                                                          "(import it first)")])
    return curriculum


def format_loc(loc):
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_document(path):
    path = Path(path)
    if not path.exists():
        raise CurriculumImportError(path, [("", "file not found")])
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise CurriculumImportError(path, [("", f"not valid YAML/JSON: {exc}")]) from exc
    if not isinstance(data, dict):
        raise CurriculumImportError(path, [("", "the document must be a mapping")])
    return data


def import_file(path):
    data = load_document(path)
    kind = data.get("kind")
    if kind == "reference":
        return import_reference(data, file=path)
    if kind == "curriculum":
        return import_curriculum(data, file=path)
    if kind in _KINDS:
        return _KINDS[kind](data, file=path)
    known = ", ".join(repr(k) for k in ["reference", "curriculum", *_KINDS])
    raise CurriculumImportError(path, [("kind", f"must be one of {known}")])


def _source(doc_source, default_file=""):
    if doc_source is None:
        return {"source_file": default_file, "source_section": ""}
    return {"source_file": doc_source.file or default_file, "source_section": doc_source.section}


class Syncer:
    """Upserts children by natural key and removes the ones not seen."""

    def __init__(self, result):
        self.result = result

    def upsert(self, model, lookup, defaults):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.result.created += 1
            return model.objects.create(**lookup, **defaults)
        changed = [name for name, value in defaults.items() if _value(obj, name) != _value_of(value)]
        if changed:
            for name in changed:
                setattr(obj, name, defaults[name])
            obj.save(update_fields=changed)
            self.result.updated += 1
        else:
            self.result.unchanged += 1
        return obj

    def prune(self, queryset, keep_ids):
        deleted, _ = queryset.exclude(pk__in=keep_ids).delete()
        self.result.deleted += deleted


def _value(obj, name):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _value_of(value):
    return value.pk if hasattr(value, "_meta") else value


def _duplicates(values):
    seen, dupes = set(), set()
    for value in values:
        (dupes if value in seen else seen).add(value)
    return dupes


# Reference data -----------------------------------------------------------------------


def validate_reference(data, file):
    problems = Problems()
    try:
        doc = ReferenceDoc.model_validate(data)
    except ValidationError as exc:
        problems.extend_pydantic(exc)
        raise CurriculumImportError(file, problems.items) from exc
    for name in ["gcm_objectives", "guiding_principles", "thematic_areas", "sdgs"]:
        for dupe in _duplicates(item.number for item in getattr(doc, name)):
            problems.add(name, f"number {dupe} appears more than once")
    objective_numbers = {o.number for o in doc.gcm_objectives}
    for i, area in enumerate(doc.thematic_areas):
        for j, number in enumerate(area.objectives):
            if number not in objective_numbers:
                problems.add(f"thematic_areas[{i}].objectives[{j}]",
                             f"unknown GCM objective {number}")
    codes = [t.code for sdg in doc.sdgs for t in sdg.migration_targets]
    for dupe in _duplicates(codes):
        problems.add("sdgs", f"target {dupe} appears more than once")
    if problems:
        raise CurriculumImportError(file, problems.items)
    return doc


@transaction.atomic
def import_reference(data, *, file="<data>"):
    doc = validate_reference(data, file)
    default_file = doc.source.file or ""
    result = ImportResult(kind="reference", key="reference")
    sync = Syncer(result)
    _sync_source_documents(sync, doc.sources)

    objectives = {}
    for item in doc.gcm_objectives:
        objectives[item.number] = sync.upsert(
            m.GcmObjective, {"number": item.number},
            {"title": item.title, "editor_notes": item.editor_notes,
             **_source(item.source, default_file)},
        )
    sync.prune(m.GcmObjective.objects.all(), [o.pk for o in objectives.values()])

    keep = [
        sync.upsert(
            m.GuidingPrinciple, {"number": item.number},
            {"title": item.title, "summary": item.summary, "editor_notes": item.editor_notes,
             **_source(item.source, default_file)},
        ).pk
        for item in doc.guiding_principles
    ]
    sync.prune(m.GuidingPrinciple.objects.all(), keep)

    keep = []
    for item in doc.thematic_areas:
        area = sync.upsert(
            m.ThematicArea, {"number": item.number},
            {"title": item.title, "editor_notes": item.editor_notes,
             **_source(item.source, default_file)},
        )
        area.objectives.set([objectives[n] for n in item.objectives])
        keep.append(area.pk)
    sync.prune(m.ThematicArea.objects.all(), keep)

    keep_sdgs, keep_targets = [], []
    for item in doc.sdgs:
        sdg = sync.upsert(
            m.Sdg, {"number": item.number},
            {"title": item.title, "editor_notes": item.editor_notes,
             **_source(item.source, default_file)},
        )
        keep_sdgs.append(sdg.pk)
        for position, target in enumerate(item.migration_targets):
            keep_targets.append(sync.upsert(
                m.SdgTarget, {"code": target.code},
                {"sdg": sdg, "text": target.text, "position": position},
            ).pk)
    sync.prune(m.SdgTarget.objects.all(), keep_targets)
    sync.prune(m.Sdg.objects.all(), keep_sdgs)

    result.counts = {
        "gcm_objectives": len(doc.gcm_objectives),
        "guiding_principles": len(doc.guiding_principles),
        "thematic_areas": len(doc.thematic_areas),
        "sdgs": len(doc.sdgs),
    }
    return result


# Curricula ----------------------------------------------------------------------------


def validate_curriculum(data, file):
    problems = Problems()
    core = {key: value for key, value in data.items() if key not in _SECTIONS}
    try:
        doc = CurriculumDoc.model_validate(core)
    except ValidationError as exc:
        problems.extend_pydantic(exc)
        raise CurriculumImportError(file, problems.items) from exc

    known_sessions = _check_modules(doc, problems)
    for dupe in _duplicates(h.number for h in doc.handouts):
        problems.add("handouts", f"handout number {dupe} appears more than once")
    for i, handout in enumerate(doc.handouts):
        if handout.session is not None and handout.session not in known_sessions:
            problems.add(f"handouts[{i}].session", f"unknown session '{handout.session}'")
    return doc, problems


def _validate_all(data, file):
    """The curriculum and the sections of higher apps, validated before anything is written,
    so that an error in any of them leaves the database untouched."""
    doc, problems = validate_curriculum(data, file)
    section_plans = []
    for name, handler in _SECTIONS.items():
        plan = handler.validate(raw=data.get(name, []), doc=doc, problems=Problems(prefix=name))
        problems.items.extend(plan.problems.items)
        section_plans.append((handler, plan))
    if problems:
        raise CurriculumImportError(file, problems.items)
    return doc, section_plans


def _check_modules(doc, problems):
    """Module numbers, session keys and the sessions agenda items name; returns the keys."""
    for dupe in _duplicates(module.number for module in doc.modules):
        problems.add("modules", f"module number {dupe} appears more than once")
    session_keys = [s.key for module in doc.modules for s in module.sessions]
    for dupe in _duplicates(session_keys):
        problems.add("modules", f"session key '{dupe}' appears more than once")
    known_sessions = set(session_keys)
    for i, module in enumerate(doc.modules):
        for dupe in _duplicates(e.phase for e in module.elements):
            problems.add(f"modules[{i}].elements", f"more than one {dupe} element")
        for j, session in enumerate(module.sessions):
            if (session.kind == "numbered") != (session.number is not None):
                problems.add(f"modules[{i}].sessions[{j}].number",
                             "numbered sessions need a number; other kinds must not have one")
        for j, element in enumerate(module.elements):
            for k, item in enumerate(element.items):
                if item.session is not None and item.session not in known_sessions:
                    problems.add(f"modules[{i}].elements[{j}].items[{k}].session",
                                 f"unknown session '{item.session}'")
    return known_sessions


@transaction.atomic
def import_curriculum(data, *, file="<data>"):
    doc, section_plans = _validate_all(data, file)

    default_file = doc.source.file or ""
    result = ImportResult(kind="curriculum", key=doc.slug)
    sync = Syncer(result)
    _sync_source_documents(sync, doc.sources)
    curriculum = sync.upsert(
        m.Curriculum, {"slug": doc.slug},
        {"title": doc.title, "summary": doc.summary, "editor_notes": doc.editor_notes,
         **_source(doc.source, default_file)},
    )

    context = {"sessions": {}, "modules": {}, "items": {}, "default_file": default_file}
    keep_modules, keep_sessions, keep_elements = [], [], []
    position = 0
    for module_doc in doc.modules:
        module = sync.upsert(
            m.Module, {"curriculum": curriculum, "number": module_doc.number},
            {"title": module_doc.title, "summary": module_doc.summary,
             "stated_total": module_doc.stated_total or "", "editor_notes": module_doc.editor_notes,
             **_source(module_doc.source, default_file)},
        )
        keep_modules.append(module.pk)
        context["modules"][module.number] = module
        for session_doc in module_doc.sessions:
            position += 1
            session = sync.upsert(
                m.Session, {"curriculum": curriculum, "key": session_doc.key},
                {"module": module, "kind": session_doc.kind, "number": session_doc.number,
                 "position": position, "title": session_doc.title,
                 "modality": session_doc.modality, "summary": session_doc.summary,
                 "editor_notes": session_doc.editor_notes,
                 **_source(session_doc.source, default_file)},
            )
            keep_sessions.append(session.pk)
            context["sessions"][session.key] = session
            _sync_phased(sync, m.LearningObjective, session, session_doc.learning_objectives)
            _sync_phased(sync, m.ExpectedOutput, session, session_doc.expected_outputs)

    for module_doc in doc.modules:
        module = context["modules"][module_doc.number]
        for element_doc in module_doc.elements:
            element = sync.upsert(
                m.Element, {"module": module, "phase": element_doc.phase},
                {"stated_duration": element_doc.stated_duration or "",
                 "editor_notes": element_doc.editor_notes,
                 **_source(element_doc.source, default_file)},
            )
            keep_elements.append(element.pk)
            keep_items = []
            for item_position, item_doc in enumerate(element_doc.items, start=1):
                item = sync.upsert(
                    m.AgendaItem, {"element": element, "position": item_position},
                    {"title": item_doc.title, "minutes": item_doc.minutes,
                     "timing_note": item_doc.timing_note or "",
                     "description": item_doc.description,
                     "session": context["sessions"].get(item_doc.session),
                     "editor_notes": item_doc.editor_notes,
                     **_source(item_doc.source or element_doc.source, default_file)},
                )
                keep_items.append(item.pk)
                context["items"][(module.number, element.phase, item_position)] = item
            sync.prune(element.items.all(), keep_items)

    keep_handouts = []
    for handout_position, handout_doc in enumerate(doc.handouts):
        keep_handouts.append(sync.upsert(
            m.Handout, {"curriculum": curriculum, "number": handout_doc.number},
            {"title": handout_doc.title, "position": handout_position,
             "session": context["sessions"].get(handout_doc.session),
             "content": handout_doc.content, "editor_notes": handout_doc.editor_notes,
             "builtin": handout_doc.builtin or "",
             "blocks": [block.model_dump(exclude_defaults=True) for block in handout_doc.blocks],
             **_source(handout_doc.source, default_file)},
        ).pk)
    context["handouts"] = {h.number: h for h in curriculum.handouts.all()}

    for handler, plan in section_plans:
        handler.apply(curriculum=curriculum, plan=plan, doc=doc, context=context, sync=sync)

    sync.prune(curriculum.handouts.all(), keep_handouts)
    sync.prune(m.Element.objects.filter(module__curriculum=curriculum), keep_elements)
    sync.prune(curriculum.sessions.all(), keep_sessions)
    sync.prune(curriculum.modules.all(), keep_modules)

    result.counts = {
        "modules": len(doc.modules),
        "sessions": len(keep_sessions),
        "agenda_items": len(context["items"]),
        "handouts": len(doc.handouts),
    }
    for _handler, plan in section_plans:
        result.counts.update(plan.counts)
    return result


def _sync_source_documents(sync, sources):
    """Titles of the seed documents, stored once per file (shared by every fixture, so a
    file no longer listed is kept: another fixture may still cite it)."""
    for source in sources:
        sync.upsert(m.SourceDocument, {"file": source.file}, {"title": source.title})


def _sync_phased(sync, model, session, entries):
    keep = [
        sync.upsert(model, {"session": session, "position": position},
                    {"phase": entry.phase, "text": entry.text}).pk
        for position, entry in enumerate(entries, start=1)
    ]
    sync.prune(model.objects.filter(session=session), keep)
