"""Answering surveys and keeping an action plan. No permission checks here: the pages and
the API check them (evaluation.access); `user` is the respondent or the plan's owner."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import ActionPlan, Answer, Commitment, Response, SurveyQuestion
from .selectors import is_open, modules_of

MAX_TEXT = 3000


def clean_answers(*, survey, modules, data):
    """Read a submitted form: {question key: value} or, for per-module ratings,
    "<key>_<module number>". Returns (rows, errors)."""
    rows, errors = [], {}
    for question in survey.questions.all():
        if question.type == SurveyQuestion.Type.TEXT:
            text = (data.get(question.key) or "").strip()
            if len(text) > MAX_TEXT:
                errors[question.key] = f"At most {MAX_TEXT} characters."
            elif question.required and not text:
                errors[question.key] = "Please answer this question."
            elif text:
                rows.append(Answer(question=question, text=text))
            continue
        targets = [(f"{question.key}_{m.number}", m) for m in modules] \
            if question.type == SurveyQuestion.Type.MODULE_RATING else [(question.key, None)]
        for name, module in targets:
            raw = str(data.get(name) or "").strip()
            if not raw:
                if question.required:
                    errors[name] = "Please choose a rating from 1 to 5."
                continue
            if raw not in {"1", "2", "3", "4", "5"}:
                errors[name] = "Choose a rating from 1 to 5."
                continue
            rows.append(Answer(question=question, module=module, value=int(raw)))
    return rows, errors


@transaction.atomic
def respond(*, user, training, survey, data, module=None, now=None):
    if not is_open(training=training, survey=survey, module=module, now=now):
        raise ValidationError("This survey is not open now.")
    rows, errors = clean_answers(survey=survey, modules=modules_of(training), data=data)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(training=training, survey=survey, module=module,
                                               respondent=user)
    except IntegrityError as exc:
        raise ValidationError("You have already answered this survey.") from exc
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


def plan_of(*, user, training):
    plan, _ = ActionPlan.objects.get_or_create(training=training, participant=user)
    return plan


@transaction.atomic
def add_commitment(*, user, training, action, by_when, with_whom=""):
    action = (action or "").strip()
    errors = {}
    if not action:
        errors["action"] = "Say what you will do."
    if by_when is None:
        errors["by_when"] = "Give a date."
    if errors:
        raise ValidationError(errors)
    return Commitment.objects.create(plan=plan_of(user=user, training=training),
                                     action=action[:300], by_when=by_when,
                                     with_whom=(with_whom or "").strip()[:200])


@transaction.atomic
def update_commitment(*, user, commitment, status, progress_note=""):
    """`commitment` is the user's own (evaluation.access.get_commitment finds only those)."""
    if status not in Commitment.Status.values:
        raise ValidationError({"status": "Choose a status."})
    commitment.status = status
    commitment.progress_note = (progress_note or "").strip()[:MAX_TEXT]
    commitment.save()
    return commitment
