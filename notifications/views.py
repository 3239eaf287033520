"""A person's notification settings: which kinds of message they want (only the kinds that
allow muting; the others always go out)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from . import kinds, services

ALWAYS_SENT_REASON = ("Some emails are always sent: they concern deadlines, seats, notes or "
                      "the training itself.")


def _shown_kinds():
    """Every kind a person may receive (not the rows queued before the outbox existed)."""
    return [kind for kind in kinds.all_kinds() if kind.name != "legacy"]


def settings(request):
    if request.method == "POST":
        wanted = set(request.POST.getlist("receive"))
        services.set_muted(user=request.user, kind_names=[
            kind.name for kind in kinds.mutable_kinds() if kind.name not in wanted])
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:settings")
    muted = services.muted_kinds(request.user)
    rows = [{"name": kind.name, "label": kind.label, "mutable": kind.mutable,
             "receive": not (kind.mutable and kind.name in muted)} for kind in _shown_kinds()]
    return render(request, "notifications/settings.html", {
        "rows": rows, "always_sent_reason": ALWAYS_SENT_REASON})
