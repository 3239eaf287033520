"""Evaluation pages. Access through evaluation.access, reads through evaluation.selectors,
writes through evaluation.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from trainings import spreadsheets

from . import access, charts, selectors, services
from .access import OPEN, RESPOND, RESULTS
from .forms import CommitmentForm
from .models import Commitment


def home(request, pk):
    training = access.get_training(request, pk, OPEN)
    can_respond = request.user.has_perm(RESPOND, training)
    return render(request, "evaluation/home.html", {
        "training": training, "can_respond": can_respond,
        "can_results": request.user.has_perm(RESULTS, training),
        "rows": selectors.survey_rows(training, request.user) if can_respond else []})


def answer(request, pk, survey_key, module_number=None):
    found = access.get_survey(request, pk, survey_key, module_number, RESPOND)
    training, survey, module = found
    errors = {}
    if request.method == "POST":
        try:
            services.respond(user=request.user, training=training, survey=survey,
                             data=request.POST, module=module)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("evaluation:home", pk)
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("evaluation:home", pk)
    questions = selectors.answer_fields(survey, selectors.modules_of(training), request.POST,
                                        errors)
    return render(request, "evaluation/answer.html", {
        "training": training, "survey": survey, "module": module, "questions": questions,
        "values": selectors.RATINGS, "has_errors": bool(errors),
        "open_now": selectors.is_open(training=training, survey=survey, module=module)},
        status=400 if errors else 200)


def results(request, pk):
    training = access.get_training(request, pk, RESULTS)
    data = selectors.results(training, with_comments=request.user.has_perm(
        "evaluation.view_comments", training))
    return render(request, "evaluation/results.html", {
        "training": training, **data, "blocks": charts.with_charts(data["blocks"]),
        "change_chart": charts.before_after(data["change"]) if data["change"] else None,
        "plan_rows": selectors.plan_rows(data["plans"])})


CSV_HEADER = ["survey", "module", "respondents", "eligible", "question", "item",
              "n_1", "n_2", "n_3", "n_4", "n_5", "mean"]


def _csv_rows(data):
    for b in data["blocks"]:
        head = [b["survey"].title, b["module"].number if b["module"] else "", b["respondents"],
                b["eligible"]]
        if not b["shown"]:
            yield [*head, f"hidden: fewer than {data['min_group']} respondents", "", "", "", "",
                   "", "", ""]
            continue
        for item in b["items"]:
            if item.get("dist"):
                yield [*head, item["question"].label, "", *item["dist"], item["mean"]]
            for row in item.get("modules", []):
                yield [*head, item["question"].label, f"Module {row['module'].number}",
                       *row["dist"], row["mean"]]


def results_csv(request, pk):
    """The results as CSV, or as XLSX with `?format=xlsx` (the same cells, formula-safe)."""
    training = access.get_training(request, pk, RESULTS)
    return spreadsheets.table_response(request, f"evaluation-{training.pk}", CSV_HEADER,
                                       _csv_rows(selectors.results(training)), title="Results")


def _change_plan(request, pk, training):
    """The POST of the action plan page: a new commitment, or progress on one."""
    if request.POST.get("commitment"):
        commitment = access.get_commitment(request, pk, request.POST["commitment"], RESPOND)
        services.update_commitment(user=request.user, commitment=commitment,
                                   status=request.POST.get("status"),
                                   progress_note=request.POST.get("progress_note", ""))
        return "Progress saved."
    services.add_commitment(user=request.user, training=training,
                            **CommitmentForm(request.POST).values())
    return "Commitment added."


def plan(request, pk):
    training = access.get_training(request, pk, RESPOND)
    errors = {}
    if request.method == "POST":
        try:
            messages.success(request, _change_plan(request, pk, training))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            return redirect("evaluation:plan", pk)
    return render(request, "evaluation/plan.html", {
        "training": training, "commitments": selectors.commitments_of(training, request.user),
        "errors": errors, "statuses": Commitment.Status.choices, "post": request.POST})
