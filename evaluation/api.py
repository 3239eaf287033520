from ninja import Router

from . import access, selectors

router = Router(tags=["evaluation"])


def _question(item):
    q = {"key": item["question"].key, "type": item["type"]}
    if "dist" in item:
        q.update(distribution=item["dist"], mean=item["mean"])
    if "modules" in item:
        q["modules"] = [{"module": r["module"].number, "distribution": r["dist"],
                         "mean": r["mean"]} for r in item["modules"]]
    if "count" in item:
        q["count"] = item["count"]
        if "texts" in item:
            q["texts"] = item["texts"]
    return q


def _block(b):
    return {"survey": b["survey"].key, "module": b["module"].number if b["module"] else None,
            "respondents": b["respondents"], "eligible": b["eligible"],
            "response_rate": b["rate"], "shown": b["shown"],
            "questions": [_question(item) for item in b["items"]] if b["shown"] else []}


def _aggregates(training, user):
    data = selectors.results(training, with_comments=user.has_perm(
        "evaluation.view_comments", training))
    return {"visibility": "aggregates", "min_group": data["min_group"],
            "surveys": [_block(b) for b in data["blocks"]],
            "knowledge_change": [{"module": r["module"].number, "before": r["before"],
                                  "after": r["after"]} for r in data["change"]],
            "action_plans": data["plans"]}


def _own(training, user):
    return {"visibility": "own", "responses": [
        {"survey": r.survey.key, "module": r.module.number if r.module else None,
         "submitted_at": r.submitted_at.isoformat(),
         "answers": [{"question": a.question.key, "module": a.module.number if a.module else None,
                      "value": a.value, "text": a.text} for a in r.answers.all()]}
        for r in selectors.own_answers(training, user)]}


@router.get("/{training_id}/evaluation", summary="Evaluation aggregates the caller may see "
            "(participants: their own answers); groups under 5 respondents hidden")
def evaluation(request, training_id: int):
    training = access.get_training(request, training_id, access.OPEN)
    if request.user.has_perm(access.RESULTS, training):
        return _aggregates(training, request.user)
    return _own(training, request.user)
