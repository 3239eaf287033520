import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from curriculum.models import Module
from trainings.views.access import get_training

from . import charts, selectors, services
from .models import Commitment, Response, Survey


def home(request, pk):
    training = get_training(request, pk)
    can_respond = request.user.has_perm("evaluation.respond", training)
    can_results = request.user.has_perm("evaluation.view_results", training)
    if not (can_respond or can_results):
        raise PermissionDenied("Evaluation is for participants, facilitators, RCO admins and staff.")
    rows = []
    if can_respond:
        answered = {(r.survey_id, r.module_id) for r in Response.objects.filter(
            training=training, respondent=request.user)}
        for survey in Survey.objects.filter(curriculum=training.curriculum).order_by("position"):
            targets = services.modules_of(training) if survey.kind == Survey.Kind.MODULE else [None]
            for module in targets:
                rows.append({"survey": survey, "module": module,
                             "done": (survey.pk, module.pk if module else None) in answered,
                             "open": services.is_open(training=training, survey=survey,
                                                      module=module)})
    return render(request, "evaluation/home.html", {
        "training": training, "rows": rows, "can_respond": can_respond,
        "can_results": can_results})


def answer(request, pk, survey_key, module_number=None):
    training = get_training(request, pk)
    if not request.user.has_perm("evaluation.respond", training):
        raise PermissionDenied("Only the training's participants answer its surveys.")
    survey = get_object_or_404(Survey.objects.prefetch_related("questions"),
                               curriculum=training.curriculum, key=survey_key)
    module = None
    if survey.kind == Survey.Kind.MODULE:
        module = get_object_or_404(Module, curriculum=training.curriculum, number=module_number)
    elif module_number is not None:
        raise Http404
    errors = {}
    if request.method == "POST":
        try:
            services.respond(user=request.user, training=training, survey=survey,
                             data=request.POST, module=module)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("evaluation:home", pk)
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("evaluation:home", pk)
    modules = services.modules_of(training)
    questions = []
    for q in survey.questions.all():
        if q.type == "module_rating":
            fields = [(f"{q.key}_{m.number}", f"Module {m.number}: {m.title}") for m in modules]
        elif q.type == "rating":
            fields = [(q.key, "")]
        else:
            fields = [(q.key, "")]
        questions.append({"q": q, "fields": [(name, label, request.POST.get(name, ""),
                                              errors.get(name)) for name, label in fields]})
    open_now = services.is_open(training=training, survey=survey, module=module)
    return render(request, "evaluation/answer.html", {
        "training": training, "survey": survey, "module": module, "questions": questions,
        "values": range(1, 6), "open_now": open_now, "has_errors": bool(errors)},
        status=400 if errors else 200)


def results(request, pk):
    training = get_training(request, pk)
    if not request.user.has_perm("evaluation.view_results", training):
        raise PermissionDenied("Results are for facilitators, RCO admins and staff; "
                               "participants see their own answers.")
    data = selectors.results(training, with_comments=request.user.has_perm(
        "evaluation.view_comments", training))
    for b_index, block in enumerate(data["blocks"]):
        for i_index, item in enumerate(block["items"]):
            item["cid"] = f"chart-{b_index}-{i_index}"
            if item.get("dist"):
                item["chart"] = charts.distribution(item["dist"])
            for row in item.get("modules", []):
                row["chart"] = charts.distribution(row["dist"])
    return render(request, "evaluation/results.html", {
        "training": training, **data,
        "change_chart": charts.before_after(data["change"]) if data["change"] else None,
        "plan_rows": [{"label": label, "count": data["plans"]["by_status"].get(value, 0),
                       "percent": round(100 * data["plans"]["by_status"].get(value, 0)
                                        / data["plans"]["total"]) if data["plans"]["total"] else 0}
                      for value, label in Commitment.Status.choices]})


def results_csv(request, pk):
    training = get_training(request, pk)
    if not request.user.has_perm("evaluation.view_results", training):
        raise PermissionDenied
    data = selectors.results(training)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{training.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["survey", "module", "respondents", "eligible", "question", "item",
                     "n_1", "n_2", "n_3", "n_4", "n_5", "mean"])
    for b in data["blocks"]:
        module = b["module"].number if b["module"] else ""
        if not b["shown"]:
            writer.writerow([b["survey"].title, module, b["respondents"], b["eligible"],
                             f"hidden: fewer than {data['min_group']} respondents", "", "", "",
                             "", "", "", ""])
            continue
        for item in b["items"]:
            if item.get("dist"):
                writer.writerow([b["survey"].title, module, b["respondents"], b["eligible"],
                                 item["question"].label, "", *item["dist"], item["mean"]])
            for row in item.get("modules", []):
                writer.writerow([b["survey"].title, module, b["respondents"], b["eligible"],
                                 item["question"].label, f"Module {row['module'].number}",
                                 *row["dist"], row["mean"]])
    return response


def plan(request, pk):
    training = get_training(request, pk)
    if not request.user.has_perm("evaluation.respond", training):
        raise PermissionDenied("Action plans are the participants' own.")
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("commitment"):
                commitment = get_object_or_404(Commitment, pk=request.POST["commitment"],
                                               plan__training=training)
                services.update_commitment(user=request.user, commitment=commitment,
                                           status=request.POST.get("status"),
                                           progress_note=request.POST.get("progress_note", ""))
                messages.success(request, "Progress saved.")
            else:
                raw = request.POST.get("by_when", "")
                try:
                    by_when = datetime.date.fromisoformat(raw) if raw else None
                except ValueError:
                    by_when = None
                services.add_commitment(user=request.user, training=training,
                                        action=request.POST.get("action"), by_when=by_when,
                                        with_whom=request.POST.get("with_whom", ""))
                messages.success(request, "Commitment added.")
            return redirect("evaluation:plan", pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    commitments = Commitment.objects.filter(plan__training=training,
                                            plan__participant=request.user)
    return render(request, "evaluation/plan.html", {
        "training": training, "commitments": commitments, "errors": errors,
        "statuses": Commitment.Status.choices, "post": request.POST})
