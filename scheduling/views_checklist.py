"""Checklist pages (per training and across trainings)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from trainings.selectors import visible_trainings
from trainings.views.access import get_training

from .models import ChecklistItem
from .services import checklist as checklist_services
from .timeutils import to_utc


def _require(request, perm, obj):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("Your role on this training does not allow this.")


def _progress(items):
    closed = sum(1 for i in items if not i.is_open)
    return {"closed": closed, "total": len(items),
            "percent": round(100 * closed / len(items)) if items else 0}


def checklist(request, pk):
    training = get_training(request, pk)
    _require(request, "scheduling.view_checklist", training)
    items = list(ChecklistItem.objects.filter(training=training).select_related(
        "status_by", "module", "template"))
    for item in items:
        item.can_change = request.user.has_perm("scheduling.change_checklist_item", item)
    return render(request, "scheduling/checklist.html", {
        "training": training, "items": items, "progress": _progress(items),
        "now": timezone.now(), "statuses": ChecklistItem.Status.choices,
        "tz": training.time_zone})


@require_POST
def update_item(request, pk, item_pk):
    training = get_training(request, pk)
    item = get_object_or_404(ChecklistItem.objects.select_related("training"), pk=item_pk,
                             training=training)
    _require(request, "scheduling.change_checklist_item", item)
    try:
        if "due" in request.POST:
            due = request.POST["due"].strip()
            day = datetime.date.fromisoformat(due) if due else None
            checklist_services.set_due(
                actor=request.user, item=item,
                due_at=to_utc(day, checklist_services.DUE_TIME, training.time_zone) if day else None)
        else:
            checklist_services.set_status(
                actor=request.user, item=item, status=request.POST.get("status", item.status),
                note=request.POST.get("note"), evidence_link=request.POST.get("evidence_link"))
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else \
            "Give the due date as YYYY-MM-DD."
        messages.error(request, f"{item.title}: {text}")
    else:
        messages.success(request, f"Saved: {item.title}.")
    return redirect(f"/trainings/{training.pk}/checklist/#item-{item.pk}")


def my_checklists(request):
    """Across the trainings a facilitator or staff member works on: overdue, due this week."""
    trainings = [t for t in visible_trainings(request.user).exclude(status="cancelled")
                 if request.user.has_perm("scheduling.change_checklist_item",
                                          ChecklistItem(training=t, owner="facilitator"))]
    now = timezone.now()
    week = now + datetime.timedelta(days=7)
    items = list(ChecklistItem.objects.filter(
        training__in=trainings, status__in=ChecklistItem.OPEN, due_at__lte=week,
    ).select_related("training", "module").order_by("due_at"))
    return render(request, "scheduling/my_checklists.html", {
        "overdue": [i for i in items if i.due_at < now],
        "this_week": [i for i in items if i.due_at >= now],
        "trainings": trainings, "now": now})
