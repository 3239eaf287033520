"""The outbox pages: every message of a training (or, across trainings, every message the
viewer may see) with its state, attempts, error and log; a message's rendered content; and
the actions of the notifications services (send now, cancel, send again).

Who sees what (the `trainings.view_outbox` and `trainings.view_outbox_all` rules): staff
every message; a training's facilitators the messages of that training, plus (across
trainings) the messages addressed to themselves. Ids of messages the viewer may not see give
404, as a missing id does.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import kinds, rendering, services
from notifications.models import Message, MessageLog

from ..models import Training
from ..paging import PER_PAGE, page_of
from ..rules import outbox_training_ids
from .access import get_training

S = Message.State
ACTIONS = {
    # action: (service, the states it applies to, success message)
    "send": (services.send_now, {S.SCHEDULED}, "Queued to go out within a minute."),
    "cancel": (services.cancel, {S.SCHEDULED}, "Cancelled."),
    "resend": (services.resend, {S.FAILED, S.CANCELLED},
               "Queued to go out again within a minute."),
}
ACTION_LABELS = {"send": "Send now", "cancel": "Cancel", "resend": "Send again"}
# The HTML version is served on its own, framed by the message's page with `sandbox`: its
# inline styles (emails carry their CSS inline) apply there and nowhere else; it runs no
# script, loads nothing, and only our own pages may frame it. (A `srcdoc` frame would
# inherit the page's strict policy, which blocks the email's inline styles.)
EMAIL_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox")


def _messages():
    """Every column and the log of the list in a constant number of queries."""
    return (Message.objects.select_related("recipient", "training")
            .prefetch_related(Prefetch("log", queryset=MessageLog.objects.select_related("by")))
            .defer("text", "html", "attachments", "context"))


def _filter(request, rows, *, trainings=None):
    """Apply the GET filters; returns (rows, selected, errors). A value the form does not
    offer filters nothing and is named next to its field."""
    selected = {key: request.GET.get(key, "").strip()
                for key in ("kind", "state", "q", "training")}
    errors = {}
    if selected["kind"] in {kind.name for kind in kinds.all_kinds()}:
        rows = rows.filter(kind=selected["kind"])
    elif selected["kind"]:
        errors["kind"] = "Choose a kind from the list."
        selected["kind"] = ""
    if selected["state"] in S.values:
        rows = rows.filter(state=selected["state"])
    elif selected["state"]:
        errors["state"] = "Choose a state from the list."
        selected["state"] = ""
    if selected["q"]:
        q = selected["q"]
        rows = rows.filter(Q(address__icontains=q) | Q(recipient__full_name__icontains=q)
                           | Q(recipient__email__icontains=q))
    if trainings is not None and selected["training"] == "none":
        rows = rows.filter(training__isnull=True)
    elif trainings is not None and selected["training"].isdigit():
        # Narrows what the viewer may see; another training's id never widens it.
        rows = rows.filter(training_id=int(selected["training"]))
    else:
        selected["training"] = ""
    return rows, selected, errors


def _may_act(user, message):
    """Staff act on any message; facilitators on those of trainings they facilitate."""
    return user.is_staff or (message.training_id is not None
                             and message.training_id in outbox_training_ids(user))


def _decorate(request, rows, detail_url):
    """What the template needs per row, computed without queries."""
    viewer_tz = request.user.time_zone or "UTC"
    for message in rows:
        message.kind_label = kinds.get(message.kind).label
        message.tz = message.training.time_zone if message.training_id else viewer_tz
        message.detail_url = detail_url(message)
        message.actions = _actions(request.user, message, message.detail_url)
    return rows


def _actions(user, message, base):
    if not _may_act(user, message):
        return []
    return [{"url": f"{base}{name}/", "label": ACTION_LABELS[name], "name": name}
            for name, (_service, states, _done) in ACTIONS.items() if message.state in states]


def _list_context(request, rows, selected, errors, detail_url):
    context = page_of(request, rows.order_by("send_at", "pk"), selected, per_page=PER_PAGE)
    context.update(rows=_decorate(request, list(context["page"].object_list), detail_url),
                   selected=selected, errors=errors, kinds=kinds.all_kinds(), states=S.choices,
                   viewer_tz=request.user.time_zone or "UTC",
                   here=request.get_full_path())
    return context


def outbox(request, pk):
    training = get_training(request, pk, "trainings.view_outbox")
    rows, selected, errors = _filter(request, _messages().filter(training=training))
    context = _list_context(request, rows, selected, errors, lambda m: reverse(
        "trainings:outbox_message", args=[training.pk, m.pk]))
    context["training"] = training
    return render(request, "trainings/outbox.html", context)


def _visible(user):
    """The messages `user` sees across trainings (403 for those who see no outbox)."""
    if not user.has_perm("trainings.view_outbox_all"):
        raise PermissionDenied("The outbox is for facilitators and staff.")
    if user.is_staff:
        return Q()
    mine = Q(recipient=user)
    if user.email:
        mine |= Q(address__iexact=user.email)
    return Q(training_id__in=outbox_training_ids(user)) | mine


def outbox_all(request):
    visible = _visible(request.user)
    trainings = Training.objects.order_by("-start_date", "title")
    if not request.user.is_staff:
        trainings = trainings.filter(pk__in=outbox_training_ids(request.user))
    rows, selected, errors = _filter(request, _messages().filter(visible),
                                     trainings=trainings)
    context = _list_context(request, rows, selected, errors, lambda m: reverse(
        "trainings:outbox_all_message", args=[m.pk]))
    context.update(trainings=list(trainings.only("pk", "title", "start_date")),
                   across=True, sees_all=visible == Q())
    return render(request, "trainings/outbox.html", context)


def _training_message(request, pk, message_pk):
    training = get_training(request, pk, "trainings.view_outbox")
    message = get_object_or_404(_messages().defer(None), pk=message_pk, training=training)
    return training, message


def _any_message(request, message_pk):
    message = get_object_or_404(_messages().defer(None).filter(_visible(request.user)),
                                pk=message_pk)
    return message


# An invitation link works once for whoever holds it: the outbox never shows it (the team
# page's "Resend" makes a new one), so reading the outbox gives no way into a training.
INVITATION_LINK = re.compile(r"/invitations/[A-Za-z0-9_-]{16,}/?")


def _redacted(content):
    for name in ("text", "html"):
        if content.get(name):
            content[name] = INVITATION_LINK.sub("/invitations/[one-time link hidden]/",
                                                content[name])
    return content


def _content(message, kind):
    """What the detail page shows (invitation links hidden)."""
    return _redacted(_built(message, kind))


def _built(message, kind):
    """The stored content, or a preview built now for a message whose content is built when
    it is sent."""
    preview = not message.is_rendered or (
        kind.render_at_send and message.state in (S.SCHEDULED, S.SENDING))
    if not preview:
        return {"subject": message.subject, "text": message.text, "html": message.html,
                "attachments": message.attachments, "preview": False}
    try:
        context = kind.context(message)
        subject, text, html = rendering.render(kind.template, context)
        calendar = kind.calendar(message, context)
    except Exception as exc:  # noqa: BLE001 - a broken template must not break the page
        return {"preview": True, "error": f"{exc.__class__.__name__}: {exc}"}
    files = [services.attachment("invite.ics", calendar, "text/calendar")] if calendar else []
    return {"subject": subject, "text": text, "html": html, "attachments": files,
            "preview": True}


def _detail(request, message, *, training, back, detail_url):
    kind = kinds.get(message.kind)
    _decorate(request, [message], lambda m: detail_url)
    return render(request, "trainings/outbox_message.html", {
        "training": training, "message": message, "kind": kind,
        "content": _content(message, kind), "back": back, "html_url": f"{detail_url}html/",
        "viewer_tz": request.user.time_zone or "UTC", "here": request.get_full_path()})


def _html(message):
    content = _content(message, kinds.get(message.kind))
    response = HttpResponse(content.get("html") or "", content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = EMAIL_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def outbox_message(request, pk, message_pk):
    training, message = _training_message(request, pk, message_pk)
    return _detail(request, message, training=training,
                   back=reverse("trainings:outbox", args=[training.pk]),
                   detail_url=reverse("trainings:outbox_message", args=[training.pk, message.pk]))


def outbox_message_html(request, pk, message_pk):
    """The HTML version alone, for the sandboxed frame of the message's page."""
    _training, message = _training_message(request, pk, message_pk)
    return _html(message)


def outbox_all_message(request, message_pk):
    message = _any_message(request, message_pk)
    return _detail(request, message, training=None, back=reverse("trainings:outbox_all"),
                   detail_url=reverse("trainings:outbox_all_message", args=[message.pk]))


def outbox_all_message_html(request, message_pk):
    return _html(_any_message(request, message_pk))


def _act(request, message, action, default):
    if action not in ACTIONS:
        raise Http404("Unknown action.")
    if not _may_act(request.user, message):
        raise PermissionDenied("Only staff and the training's facilitators act on a message.")
    service, _states, done = ACTIONS[action]
    try:
        service(actor=request.user, message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if not back or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = default
    return redirect(back)


@require_POST
def outbox_action(request, pk, message_pk, action):
    training, message = _training_message(request, pk, message_pk)
    return _act(request, message, action, reverse("trainings:outbox", args=[training.pk]))


@require_POST
def outbox_all_action(request, message_pk, action):
    message = _any_message(request, message_pk)
    return _act(request, message, action, reverse("trainings:outbox_all"))
