"""Shape of the YAML fixtures under fixtures/ (see docs/fixture-format.md)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(Strict):
    file: str | None = Field(default=None, max_length=100)
    section: str = Field(max_length=200)


class SourceDocDoc(Strict):
    """Fixture metadata: the title of a seed document, cited by its file name."""

    file: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=400)


class GcmObjectiveDoc(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=400)
    source: Source | None = None
    editor_notes: list[str] = []


class GuidingPrincipleDoc(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    summary: str = ""
    source: Source | None = None
    editor_notes: list[str] = []


class ThematicAreaDoc(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=400)
    objectives: list[int]
    source: Source | None = None
    editor_notes: list[str] = []


class SdgTargetDoc(Strict):
    code: str = Field(min_length=1, max_length=10)
    text: str = Field(min_length=1)


class SdgDoc(Strict):
    number: int = Field(ge=1, le=17)
    title: str = Field(min_length=1, max_length=200)
    migration_targets: list[SdgTargetDoc] = []
    source: Source | None = None
    editor_notes: list[str] = []


class ReferenceDoc(Strict):
    kind: Literal["reference"]
    source: Source
    sources: list[SourceDocDoc] = []
    gcm_objectives: list[GcmObjectiveDoc]
    guiding_principles: list[GuidingPrincipleDoc]
    thematic_areas: list[ThematicAreaDoc]
    sdgs: list[SdgDoc]


PhaseName = Literal["online", "offline"]


class PhasedText(Strict):
    phase: PhaseName
    text: str = Field(min_length=1)


class SessionDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$", max_length=20)
    kind: Literal["opening", "numbered", "closing"]
    number: int | None = None
    title: str = Field(min_length=1, max_length=300)
    modality: Literal["online", "offline", "blended"]
    summary: str = ""
    learning_objectives: list[PhasedText] = []
    expected_outputs: list[PhasedText] = []
    source: Source | None = None
    editor_notes: list[str] = []


class AgendaItemDoc(Strict):
    title: str = Field(min_length=1, max_length=300)
    minutes: int = Field(ge=1, le=600)
    timing_note: str | None = Field(default=None, max_length=300)
    description: str = ""
    session: str | None = None
    activity_parts: list[str] = []
    source: Source | None = None
    editor_notes: list[str] = []


class ElementDoc(Strict):
    phase: PhaseName
    stated_duration: str | None = Field(default=None, max_length=100)
    items: list[AgendaItemDoc] = Field(min_length=1)
    source: Source | None = None
    editor_notes: list[str] = []


class ModuleDoc(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    stated_total: str | None = Field(default=None, max_length=100)
    summary: str = ""
    sessions: list[SessionDoc] = []
    elements: list[ElementDoc] = Field(min_length=1)
    source: Source | None = None
    editor_notes: list[str] = []


class BlockDoc(Strict):
    """A piece of a handout's printable body."""

    type: Literal["heading", "paragraph", "list", "table"]
    text: str = ""                      # heading, paragraph
    items: list[str] = []               # list
    columns: list[str] = []             # table
    rows: list[list[str]] = []          # table

    @model_validator(mode="after")
    def complete(self):
        if self.type in ("heading", "paragraph") and not self.text:
            raise ValueError(f"a {self.type} needs text")
        if self.type == "list" and not self.items:
            raise ValueError("a list needs items")
        if self.type == "table" and any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("every table row needs as many cells as there are columns")
        return self


class HandoutDoc(Strict):
    number: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=300)
    activity: int | None = None
    activities: list[int] = []
    session: str | None = None
    content: str = ""
    builtin: Literal["gcm_objectives", "guiding_principles", "sdgs"] | None = None
    blocks: list[BlockDoc] = []
    source: Source | None = None
    editor_notes: list[str] = []

    @model_validator(mode="after")
    def one_way_to_name_activities(self):
        if self.activity is not None and self.activities:
            raise ValueError("give either `activity` (one) or `activities` (a list), not both")
        if len(set(self.activities)) != len(self.activities):
            raise ValueError("an activity appears more than once in `activities`")
        return self

    @property
    def activity_numbers(self):
        """The activities that use this handout (a handout may serve several)."""
        return [self.activity] if self.activity is not None else list(self.activities)


class CurriculumDoc(Strict):
    kind: Literal["curriculum"]
    slug: str = Field(pattern=r"^[a-z0-9-]+$", max_length=50)
    title: str = Field(min_length=1, max_length=300)
    summary: str = ""
    source: Source
    sources: list[SourceDocDoc] = []
    editor_notes: list[str] = []
    modules: list[ModuleDoc] = Field(min_length=1)
    handouts: list[HandoutDoc] = []
