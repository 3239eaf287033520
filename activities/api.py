"""Curricula in the API: the list and the whole tree (modules to activity parts)."""

from ninja import Router, Schema

from curriculum.selectors import curricula_with_counts

from . import selectors

router = Router(tags=["curricula"])


class CurriculumSummaryOut(Schema):
    slug: str
    title: str
    modules: int
    sessions: int
    handouts: int


class PhasedTextOut(Schema):
    phase: str
    text: str


class SessionOut(Schema):
    key: str
    kind: str
    number: int | None
    title: str
    modality: str
    summary: str
    learning_objectives: list[PhasedTextOut]
    expected_outputs: list[PhasedTextOut]
    source: str
    editor_notes: list[str]


class AgendaItemOut(Schema):
    position: int
    title: str
    minutes: int
    timing_note: str
    description: str
    session: str | None
    activity_parts: list[str]
    editor_notes: list[str]


class ElementOut(Schema):
    phase: str
    stated_duration: str
    total_minutes: int
    editor_notes: list[str]
    items: list[AgendaItemOut]


class ModuleOut(Schema):
    number: int
    title: str
    stated_total: str
    online_minutes: int
    offline_minutes: int
    editor_notes: list[str]
    sessions: list[SessionOut]
    elements: list[ElementOut]


class PartOut(Schema):
    key: str
    label: str
    minutes: int | None
    phase: str
    module: int
    instructions: str
    guiding_questions: list[str]
    expected_output: str
    editor_notes: list[str]


class ActivityOut(Schema):
    number: int
    title: str
    session: str | None
    summary: str
    handouts: list[str]
    editor_notes: list[str]
    parts: list[PartOut]


class HandoutOut(Schema):
    number: str
    title: str
    session: str | None
    activities: list[int]
    content: str
    editor_notes: list[str]


class CurriculumOut(Schema):
    slug: str
    title: str
    summary: str
    source: str
    editor_notes: list[str]
    modules: list[ModuleOut]
    activities: list[ActivityOut]
    handouts: list[HandoutOut]


@router.get("", response=list[CurriculumSummaryOut], summary="Curricula with counts")
def list_curricula(request):
    return [
        {"slug": c.slug, "title": c.title, "modules": c.module_count,
         "sessions": c.session_count, "handouts": c.handout_count}
        for c in curricula_with_counts()
    ]


@router.get("/{slug}", response=CurriculumOut, summary="A curriculum's whole tree")
def get_curriculum(request, slug: str):
    curriculum = selectors.curriculum_tree(slug)
    return serialize_tree(curriculum)


def _phased(rows):
    return [{"phase": row.phase, "text": row.text} for row in rows]


def _element(element):
    items = [
        {"position": item.position, "title": item.title, "minutes": item.minutes,
         "timing_note": item.timing_note, "description": item.description,
         "session": item.session.key if item.session else None,
         "activity_parts": [f"{p.activity.number}/{p.key}" for p in item.activity_parts.all()],
         "editor_notes": item.editor_notes}
        for item in element.items.all()
    ]
    return {"phase": element.phase, "stated_duration": element.stated_duration,
            "total_minutes": sum(i["minutes"] for i in items),
            "editor_notes": element.editor_notes, "items": items}


def serialize_tree(curriculum):
    modules = []
    for module in curriculum.modules.all():
        elements = [_element(e) for e in module.elements.all()]
        by_phase = {e["phase"]: e["total_minutes"] for e in elements}
        modules.append({
            "number": module.number, "title": module.title, "stated_total": module.stated_total,
            "online_minutes": by_phase.get("online", 0),
            "offline_minutes": by_phase.get("offline", 0),
            "editor_notes": module.editor_notes,
            "sessions": [
                {"key": s.key, "kind": s.kind, "number": s.number, "title": s.title,
                 "modality": s.modality, "summary": s.summary, "source": s.source,
                 "editor_notes": s.editor_notes,
                 "learning_objectives": _phased(s.objectives.all()),
                 "expected_outputs": _phased(s.outputs.all())}
                for s in module.sessions.all()
            ],
            "elements": elements,
        })
    activities = [
        {"number": a.number, "title": a.title, "summary": a.summary,
         "session": a.session.key if a.session else None,
         "handouts": [h.number for h in a.handouts.all()], "editor_notes": a.editor_notes,
         "parts": [
             {"key": p.key, "label": p.label, "minutes": p.minutes, "phase": p.phase,
              "module": p.module.number, "instructions": p.instructions,
              "guiding_questions": p.guiding_questions, "expected_output": p.expected_output,
              "editor_notes": p.editor_notes}
             for p in a.parts.all()
         ]}
        for a in curriculum.activities.all()
    ]
    handouts = [
        {"number": h.number, "title": h.title, "content": h.content,
         "session": h.session.key if h.session else None,
         "activities": [a.number for a in h.activities.all()], "editor_notes": h.editor_notes}
        for h in curriculum.handouts.all()
    ]
    return {"slug": curriculum.slug, "title": curriculum.title, "summary": curriculum.summary,
            "source": curriculum.source, "editor_notes": curriculum.editor_notes,
            "modules": modules, "activities": activities, "handouts": handouts}
