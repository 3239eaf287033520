"""Checklist pages (per training and across trainings). Access through scheduling.access,
reads through scheduling.selectors, writes through scheduling.services.checklist."""

import datetime
import urllib.parse

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.times import to_utc
from trainings.selectors import visible_trainings

from . import access, selectors
from .access import CHANGE_ITEM, VIEW_CHECKLIST
from .filters import FILTER_KEYS, ChecklistFilter
from .forms import DueForm
from .models import ChecklistItem
from .services import checklist as checklist_services


def checklist(request, pk):
    """The checklist grouped by phase, filtered by owner and status (GET form)."""
    training = access.get_training(request, pk, VIEW_CHECKLIST)
    found = ChecklistFilter(request.GET or None, selectors.checklist_rows(training),
                            user=request.user, training=training,
                            holders=selectors.checklist_holders(training))
    items = list(found.qs)
    for item in items:
        item.training = training  # the rules read it: no query per item
        item.can_change = request.user.has_perm(CHANGE_ITEM, item)
    chosen = found.chosen()
    return render(request, "scheduling/checklist.html", {
        "training": training, "groups": selectors.checklist_groups(items, timezone.now()),
        "shown": len(items), "filter": found, "filtered": bool(chosen),
        "filter_query": urllib.parse.urlencode(chosen),
        "progress": selectors.checklist_progress(training),
        "statuses": ChecklistItem.Status.choices, "tz": training.time_zone})


def _change(request, item):
    """A new due date (a day in the training's zone; empty: back to the rule), or a new
    status with its note and evidence link. Raises ValidationError for bad input."""
    if "due" not in request.POST:
        return checklist_services.set_status(
            actor=request.user, item=item, status=request.POST.get("status", item.status),
            note=request.POST.get("note"), evidence_link=request.POST.get("evidence_link"))
    form = DueForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors["due"])
    day = form.cleaned_data["due"]
    due_at = to_utc(day, checklist_services.DUE_TIME, item.training.time_zone) if day else None
    return checklist_services.set_due(actor=request.user, item=item, due_at=due_at)


@require_POST
def update_item(request, pk, item_pk):
    item = access.get_checklist_item(request, pk, item_pk, CHANGE_ITEM)
    try:
        _change(request, item)
    except ValidationError as exc:
        messages.error(request, f"{item.title}: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"Saved: {item.title}.")
    # Back to the list as it was filtered (only the page's own filter keys are kept).
    kept = urllib.parse.urlencode({key: request.GET[key] for key in FILTER_KEYS
                                   if request.GET.get(key)})
    url = reverse("scheduling:checklist", args=[pk]) + (f"?{kept}" if kept else "")
    return redirect(f"{url}#item-{item.pk}")


def my_checklists(request):
    """Across the trainings a facilitator or staff member works on: overdue, due this week."""
    trainings = [t for t in visible_trainings(request.user).exclude(status="cancelled")
                 if request.user.has_perm("scheduling.manage_checklist", t)]
    now = timezone.now()
    items = selectors.open_items_due_by(trainings, now + datetime.timedelta(days=7))
    return render(request, "scheduling/my_checklists.html", {
        "overdue": [i for i in items if i.due_at < now],
        "this_week": [i for i in items if i.due_at >= now],
        "trainings": trainings, "now": now})
