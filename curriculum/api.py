from ninja import Router, Schema

from . import selectors

router = Router(tags=["reference"])


class ObjectiveOut(Schema):
    number: int
    title: str
    source: str
    editor_notes: list[str]


class PrincipleOut(Schema):
    number: int
    title: str
    summary: str
    editor_notes: list[str]


class ThematicAreaOut(Schema):
    number: int
    title: str
    objectives: list[int]
    editor_notes: list[str]


class TargetOut(Schema):
    code: str
    text: str


class SdgOut(Schema):
    number: int
    title: str
    migration_targets: list[TargetOut]
    editor_notes: list[str]


class ReferenceOut(Schema):
    gcm_objectives: list[ObjectiveOut]
    guiding_principles: list[PrincipleOut]
    thematic_areas: list[ThematicAreaOut]
    sdgs: list[SdgOut]


@router.get("", response=ReferenceOut, summary="GCM objectives, guiding principles, MPTF "
            "thematic areas and SDGs")
def reference(request):
    data = selectors.reference_data()
    return {
        "gcm_objectives": list(data["gcm_objectives"]),
        "guiding_principles": list(data["guiding_principles"]),
        "thematic_areas": [
            {"number": a.number, "title": a.title,
             "objectives": sorted(o.number for o in a.objectives.all()),
             "editor_notes": a.editor_notes}
            for a in data["thematic_areas"]
        ],
        "sdgs": [
            {"number": s.number, "title": s.title, "migration_targets": list(s.targets.all()),
             "editor_notes": s.editor_notes}
            for s in data["sdgs"]
        ],
    }
