from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from trainings.models import Training

from . import selectors

router = Router(tags=["evaluation"])


@router.get("/{training_id}/evaluation", summary="Evaluation aggregates the caller may see "
            "(participants: their own answers); groups under 5 respondents hidden")
def evaluation(request, training_id: int):
    training = get_object_or_404(Training, pk=training_id)
    user = request.user
    if not user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    if user.has_perm("evaluation.view_results", training):
        data = selectors.results(training, with_comments=user.has_perm(
            "evaluation.view_comments", training))
        blocks = []
        for b in data["blocks"]:
            entry = {"survey": b["survey"].key, "module": b["module"].number if b["module"] else None,
                     "respondents": b["respondents"], "eligible": b["eligible"],
                     "response_rate": b["rate"], "shown": b["shown"], "questions": []}
            if b["shown"]:
                for item in b["items"]:
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
                    entry["questions"].append(q)
            blocks.append(entry)
        return {"visibility": "aggregates", "min_group": data["min_group"], "surveys": blocks,
                "knowledge_change": [{"module": r["module"].number, "before": r["before"],
                                      "after": r["after"]} for r in data["change"]],
                "action_plans": data["plans"]}
    if user.has_perm("evaluation.respond", training):
        return {"visibility": "own", "responses": [
            {"survey": r.survey.key, "module": r.module.number if r.module else None,
             "submitted_at": r.submitted_at.isoformat(),
             "answers": [{"question": a.question.key,
                          "module": a.module.number if a.module else None,
                          "value": a.value, "text": a.text} for a in r.answers.all()]}
            for r in selectors.own_answers(training, user)]}
    raise PermissionDenied("Evaluation results are not visible to your role.")
