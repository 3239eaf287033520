"""Evaluation results as aggregates, in a fixed number of queries whatever the number of
respondents. Groups smaller than MIN_GROUP are hidden."""

import hashlib
from collections import defaultdict

from django.db.models import Count

from trainings.models import Nomination

from .models import MIN_GROUP, Answer, Commitment, Response, Survey
from .services import modules_of


def _mean(dist):
    total = sum(dist.values())
    return round(sum(k * v for k, v in dist.items()) / total, 2) if total else None


def results(training, *, with_comments=False):
    surveys = list(Survey.objects.filter(curriculum=training.curriculum)
                   .prefetch_related("questions").order_by("position"))
    modules = modules_of(training)
    eligible = Nomination.objects.filter(training=training,
                                         status=Nomination.Status.CONFIRMED).count()
    groups = {(r["survey_id"], r["module_id"]): r["n"] for r in
              Response.objects.filter(training=training).values("survey_id", "module_id")
              .annotate(n=Count("id"))}
    dist = defaultdict(lambda: defaultdict(int))
    for row in (Answer.objects.filter(response__training=training, value__isnull=False)
                .values("response__survey_id", "response__module_id", "question_id",
                        "module_id", "value").annotate(n=Count("id"))):
        key = (row["response__survey_id"], row["response__module_id"], row["question_id"],
               row["module_id"])
        dist[key][row["value"]] = row["n"]
    texts = defaultdict(list)
    for row in (Answer.objects.filter(response__training=training, value__isnull=True)
                .exclude(text="").values("response__survey_id", "response__module_id",
                                         "question_id", "text")):
        texts[(row["response__survey_id"], row["response__module_id"], row["question_id"])].append(
            row["text"])

    def block(survey, module):
        n = groups.get((survey.pk, module.pk if module else None), 0)
        shown = n >= MIN_GROUP
        items = []
        for question in survey.questions.all():
            entry = {"question": question, "type": question.type}
            if not shown:
                items.append(entry)
                continue
            if question.type == "text":
                found = texts.get((survey.pk, module.pk if module else None, question.pk), [])
                entry["count"] = len(found)
                if with_comments:  # unattributed, in an order unrelated to who answered
                    entry["texts"] = sorted(found, key=lambda t: hashlib.sha256(t.encode()).hexdigest())
            elif question.type == "module_rating":
                entry["modules"] = []
                for m in modules:
                    d = dist.get((survey.pk, module.pk if module else None, question.pk, m.pk), {})
                    entry["modules"].append({"module": m, "dist": [d.get(v, 0) for v in range(1, 6)],
                                             "mean": _mean(d)})
            else:
                d = dist.get((survey.pk, module.pk if module else None, question.pk, None), {})
                entry["dist"] = [d.get(v, 0) for v in range(1, 6)]
                entry["mean"] = _mean(d)
            items.append(entry)
        return {"survey": survey, "module": module, "respondents": n, "eligible": eligible,
                "rate": round(100 * n / eligible) if eligible else 0, "shown": shown,
                "items": items}

    blocks = []
    for survey in surveys:
        if survey.kind == Survey.Kind.MODULE:
            blocks += [block(survey, m) for m in modules]
        else:
            blocks.append(block(survey, None))

    change = []
    prior = next((b for b in blocks if b["survey"].kind == Survey.Kind.PRIOR), None)
    closing = next((b for b in blocks if b["survey"].kind == Survey.Kind.CLOSING), None)
    if prior and closing and prior["shown"] and closing["shown"]:
        def means(b):
            item = next((i for i in b["items"] if i["type"] == "module_rating"), None)
            return {row["module"].pk: row["mean"] for row in (item or {}).get("modules", [])}
        before, after = means(prior), means(closing)
        change = [{"module": m, "before": before.get(m.pk), "after": after.get(m.pk)}
                  for m in modules]
    plans = Commitment.objects.filter(plan__training=training).values("status").annotate(
        n=Count("id"))
    by_status = {row["status"]: row["n"] for row in plans}
    participants_with_plans = Commitment.objects.filter(plan__training=training).values(
        "plan__participant").distinct().count()
    return {"blocks": blocks, "change": change, "eligible": eligible,
            "plans": {"participants": participants_with_plans, "by_status": by_status,
                      "total": sum(by_status.values())}, "min_group": MIN_GROUP}


def own_answers(training, user):
    return list(Response.objects.filter(training=training, respondent=user)
                .select_related("survey", "module")
                .prefetch_related("answers__question", "answers__module"))


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
