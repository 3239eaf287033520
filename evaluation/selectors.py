"""Evaluation results as aggregates, in a fixed number of queries whatever the number of
respondents (groups smaller than MIN_GROUP are hidden), and the other reads of the pages.
Selectors never write and never import services (services import from here)."""

import datetime
import hashlib
from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from curriculum.models import Module
from scheduling.models import Slot, SlotKind
from trainings.models import Nomination, Training

from .models import MIN_GROUP, Answer, Commitment, Response, Survey, SurveyQuestion

RATINGS = range(1, 6)


def modules_of(training):
    return list(Module.objects.filter(curriculum=training.curriculum).order_by("number"))


def _first_start(training):
    start = Slot.objects.filter(training=training).order_by("start").values_list(
        "start", flat=True).first()
    return start or datetime.datetime.combine(training.start_date, datetime.time.min,
                                              tzinfo=datetime.UTC)


def is_open(*, training, survey, module=None, now=None):
    """Prior: until the training starts. Module feedback: once the module's offline element
    has started. Closing: once the last slot has started, or the training is in delivery or
    completed."""
    now = now or timezone.now()
    if training.is_cancelled:
        return False
    if survey.kind == Survey.Kind.PRIOR:
        return now < _first_start(training)
    if training.status == Training.Status.COMPLETED:
        return True
    if survey.kind == Survey.Kind.MODULE:
        first_offline = Slot.objects.filter(training=training, module=module,
                                            kind=SlotKind.OFFLINE).order_by("start").first()
        return first_offline is not None and first_offline.start <= now
    last = Slot.objects.filter(training=training).order_by("-start").first()
    return training.status == Training.Status.IN_DELIVERY or (last is not None
                                                              and last.start <= now)


def surveys_of(training):
    return list(Survey.objects.filter(curriculum=training.curriculum).order_by("position"))


def survey_rows(training, user):
    """What a participant may answer: each survey (module feedback once per module), whether
    they answered it and whether it is open now."""
    answered = {(r.survey_id, r.module_id) for r in Response.objects.filter(
        training=training, respondent=user)}
    modules = modules_of(training)
    rows = []
    for survey in surveys_of(training):
        for module in (modules if survey.kind == Survey.Kind.MODULE else [None]):
            rows.append({"survey": survey, "module": module,
                         "done": (survey.pk, module.pk if module else None) in answered,
                         "open": is_open(training=training, survey=survey, module=module)})
    return rows


def answer_fields(survey, modules, values, errors):
    """The answer form: [{"q": question, "fields": [(name, label, value, error)]}]; a rating
    per module for a per-module question, one field otherwise."""
    questions = []
    for question in survey.questions.all():
        if question.type == SurveyQuestion.Type.MODULE_RATING:
            fields = [(f"{question.key}_{m.number}", f"Module {m.number}: {m.title}")
                      for m in modules]
        else:
            fields = [(question.key, "")]
        questions.append({"q": question, "fields": [
            (name, label, values.get(name, ""), errors.get(name)) for name, label in fields]})
    return questions


def _mean(dist):
    total = sum(dist.values())
    return round(sum(k * v for k, v in dist.items()) / total, 2) if total else None


def _distributions(training):
    """{(survey, response module, question, rated module): {rating: count}}."""
    dist = defaultdict(lambda: defaultdict(int))
    for row in (Answer.objects.filter(response__training=training, value__isnull=False)
                .values("response__survey_id", "response__module_id", "question_id",
                        "module_id", "value").annotate(n=Count("id"))):
        key = (row["response__survey_id"], row["response__module_id"], row["question_id"],
               row["module_id"])
        dist[key][row["value"]] = row["n"]
    return dist


def _texts(training):
    """{(survey, response module, question): [written answers]}."""
    texts = defaultdict(list)
    for row in (Answer.objects.filter(response__training=training, value__isnull=True)
                .exclude(text="").values("response__survey_id", "response__module_id",
                                         "question_id", "text")):
        texts[(row["response__survey_id"], row["response__module_id"], row["question_id"])].append(
            row["text"])
    return texts


class _Aggregates:
    """Everything the blocks are made of, read once for the training."""

    def __init__(self, training, *, with_comments):
        self.with_comments = with_comments
        self.modules = modules_of(training)
        self.eligible = Nomination.objects.filter(
            training=training, status=Nomination.Status.CONFIRMED).count()
        self.groups = {(r["survey_id"], r["module_id"]): r["n"] for r in
                       Response.objects.filter(training=training)
                       .values("survey_id", "module_id").annotate(n=Count("id"))}
        self.dist = _distributions(training)
        self.texts = _texts(training)

    def item(self, survey, module_id, question):
        entry = {"question": question, "type": question.type}
        if question.type == SurveyQuestion.Type.TEXT:
            found = self.texts.get((survey.pk, module_id, question.pk), [])
            entry["count"] = len(found)
            if self.with_comments:  # unattributed, in an order unrelated to who answered
                entry["texts"] = sorted(found, key=lambda t: hashlib.sha256(t.encode()).hexdigest())
        elif question.type == SurveyQuestion.Type.MODULE_RATING:
            entry["modules"] = []
            for m in self.modules:
                d = self.dist.get((survey.pk, module_id, question.pk, m.pk), {})
                entry["modules"].append({"module": m, "dist": [d.get(v, 0) for v in RATINGS],
                                         "mean": _mean(d)})
        else:
            d = self.dist.get((survey.pk, module_id, question.pk, None), {})
            entry["dist"] = [d.get(v, 0) for v in RATINGS]
            entry["mean"] = _mean(d)
        return entry

    def block(self, survey, module):
        module_id = module.pk if module else None
        n = self.groups.get((survey.pk, module_id), 0)
        shown = n >= MIN_GROUP
        items = [self.item(survey, module_id, q) if shown else {"question": q, "type": q.type}
                 for q in survey.questions.all()]
        return {"survey": survey, "module": module, "respondents": n, "eligible": self.eligible,
                "rate": round(100 * n / self.eligible) if self.eligible else 0, "shown": shown,
                "items": items}


def _module_means(block):
    item = next((i for i in block["items"] if i["type"] == SurveyQuestion.Type.MODULE_RATING),
                None)
    return {row["module"].pk: row["mean"] for row in (item or {}).get("modules", [])}


def _knowledge_change(blocks, modules):
    """Per module: the average self-rating before (prior survey) and after (closing), when
    both are shown."""
    prior = next((b for b in blocks if b["survey"].kind == Survey.Kind.PRIOR), None)
    closing = next((b for b in blocks if b["survey"].kind == Survey.Kind.CLOSING), None)
    if not (prior and closing and prior["shown"] and closing["shown"]):
        return []
    before, after = _module_means(prior), _module_means(closing)
    return [{"module": m, "before": before.get(m.pk), "after": after.get(m.pk)} for m in modules]


def _plans(training):
    by_status = {row["status"]: row["n"] for row in Commitment.objects.filter(
        plan__training=training).values("status").annotate(n=Count("id"))}
    participants = Commitment.objects.filter(plan__training=training).values(
        "plan__participant").distinct().count()
    return {"participants": participants, "by_status": by_status, "total": sum(by_status.values())}


def results(training, *, with_comments=False):
    surveys = list(Survey.objects.filter(curriculum=training.curriculum)
                   .prefetch_related("questions").order_by("position"))
    data = _Aggregates(training, with_comments=with_comments)
    blocks = []
    for survey in surveys:
        targets = data.modules if survey.kind == Survey.Kind.MODULE else [None]
        blocks += [data.block(survey, module) for module in targets]
    return {"blocks": blocks, "change": _knowledge_change(blocks, data.modules),
            "eligible": data.eligible, "plans": _plans(training), "min_group": MIN_GROUP}


def plan_rows(plans):
    """Commitments per status, with their share of all commitments."""
    total = plans["total"]
    return [{"label": label, "count": plans["by_status"].get(value, 0),
             "percent": round(100 * plans["by_status"].get(value, 0) / total) if total else 0}
            for value, label in Commitment.Status.choices]


def own_answers(training, user):
    return list(Response.objects.filter(training=training, respondent=user)
                .select_related("survey", "module")
                .prefetch_related("answers__question", "answers__module"))


def commitments_of(training, user):
    return list(Commitment.objects.filter(plan__training=training, plan__participant=user))


def summary(training):
    """A few lines for the outcome report."""
    data = results(training)
    lines = []
    for b in data["blocks"]:
        if b["survey"].kind == Survey.Kind.CLOSING:
            lines.append(f"Closing evaluation: {b['respondents']} of {b['eligible']} responded.")
            if b["shown"]:
                lines += [f"{i['question'].label}: average {i['mean']} / 5"
                          for i in b["items"] if i["type"] == "rating" and i.get("mean")]
    for row in data["change"]:
        if row["before"] and row["after"]:
            lines.append(f"Module {row['module'].number} knowledge: {row['before']} → {row['after']}")
    return lines
