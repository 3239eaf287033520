"""Announcements (docs/announcements.md): the list of a training's announcements, each viewer
seeing those sent to their group, and the form that writes one: write, preview, send."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import announcement_selectors as selectors
from ..announcement_forms import AnnouncementForm
from ..models import Announcement
from ..services import announcements as services
from .access import get_training


def announcements(request, pk):
    training = get_training(request, pk, "trainings.view_announcements")
    return render(request, "trainings/announcements.html", {
        "training": training,
        "announcements": selectors.announcements_for(request.user, training),
        "can_write": request.user.has_perm("trainings.send_announcement", training),
        "show_names": request.user.has_perm("trainings.view_all_announcements", training),
    })


def _form_page(request, training, form):
    return render(request, "trainings/announcement_form.html",
                  {"training": training, "form": form})


def _preview(request, training, form):
    data = form.cleaned_data
    people = selectors.recipients(training, data["audience"])
    if not people:
        form.add_error("audience", services.NOBODY[data["audience"]])
        return _form_page(request, training, form)
    shown = Announcement(training=training, author=request.user, audience=data["audience"],
                         subject=data["subject"], body=data["body"])
    hidden = AnnouncementForm(initial=data)   # what is sent is what was previewed
    return render(request, "trainings/announcement_preview.html", {
        "training": training, "form": hidden, "announcement": shown,
        "participants": sum(1 for p in people if p.group == "participant"),
        "team": sum(1 for p in people if p.group == "team"), "people": len(people),
    })


def _send(request, training, form):
    data = form.cleaned_data
    try:
        announcement, created = services.send(
            actor=request.user, training=training, audience=data["audience"],
            subject=data["subject"], body=data["body"], key=data["key"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _form_page(request, training, form)
    if created:
        count = announcement.recipients.count()
        messages.success(request, f"Announcement “{announcement.subject}” sent to {count} "
                                  f"{'person' if count == 1 else 'people'}.")
    else:
        messages.info(request, f"Announcement “{announcement.subject}” was already sent; "
                               "it was not sent again.")
    return redirect("trainings:announcements", training.pk)


@require_http_methods(["GET", "POST"])
def write(request, pk):
    """GET: the empty form. POST "preview": the announcement as its recipients will read it,
    with who it goes to; "edit": back to the form as typed; "send": send it (once per form)."""
    training = get_training(request, pk, "trainings.send_announcement")
    counts = selectors.audience_counts(training)
    form = AnnouncementForm(request.POST or None, counts=counts)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("preview", "send") and form.is_valid():
        return (_preview if action == "preview" else _send)(request, training, form)
    return _form_page(request, training, form)
