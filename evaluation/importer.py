"""`kind: survey_set` fixtures: a curriculum's surveys, questions as data."""

from typing import Literal

from django.db import transaction
from pydantic import Field

from curriculum.importer import (
    CurriculumImportError,
    ImportResult,
    Problems,
    Syncer,
    curriculum_named,
    parse,
)
from curriculum.schema import Source, Strict

from .models import Survey, SurveyQuestion


class QuestionDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9_-]+$", max_length=40)
    type: Literal["rating", "module_rating", "text"]
    label: str = Field(min_length=1, max_length=300)
    required: bool = True
    scale: list[str] = []


class SurveyDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$", max_length=40)
    kind: Literal["prior", "module", "closing"]
    title: str = Field(min_length=1, max_length=200)
    intro: str = ""
    source: Source | None = None
    questions: list[QuestionDoc] = Field(min_length=1)


class SurveySetDoc(Strict):
    kind: Literal["survey_set"]
    curriculum: str
    source: Source
    surveys: list[SurveyDoc] = Field(min_length=1)


@transaction.atomic
def import_survey_set(data, *, file="<data>"):
    doc = parse(SurveySetDoc, data, file)
    curriculum = curriculum_named(doc.curriculum, file)
    problems = Problems()
    for i, survey in enumerate(doc.surveys):
        keys = [q.key for q in survey.questions]
        if len(keys) != len(set(keys)):
            problems.add(f"surveys[{i}].questions", "question keys must be unique")
        for j, question in enumerate(survey.questions):
            if question.type != "text" and len(question.scale) not in (0, 5):
                problems.add(f"surveys[{i}].questions[{j}].scale", "a 1–5 scale has 5 labels")
    if len({s.key for s in doc.surveys}) != len(doc.surveys):
        problems.add("surveys", "survey keys must be unique")
    if problems:
        raise CurriculumImportError(file, problems.items)
    result = ImportResult(kind="survey_set", key=doc.curriculum)
    sync = Syncer(result)
    keep = []
    for position, survey_doc in enumerate(doc.surveys):
        survey = sync.upsert(Survey, {"curriculum": curriculum, "key": survey_doc.key},
                             {"kind": survey_doc.kind, "position": position,
                              "title": survey_doc.title, "intro": survey_doc.intro,
                              "source_section": (survey_doc.source or doc.source).section})
        keep.append(survey.pk)
        keep_questions = [sync.upsert(
            SurveyQuestion, {"survey": survey, "key": q.key},
            {"position": n, "type": q.type, "label": q.label, "required": q.required,
             "scale": q.scale}).pk for n, q in enumerate(survey_doc.questions, start=1)]
        sync.prune(survey.questions.all(), keep_questions)
    sync.prune(Survey.objects.filter(curriculum=curriculum), keep)
    result.counts = {"surveys": len(keep)}
    return result
