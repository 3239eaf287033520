"""An invitation sent to the signed-in user's own address, opened from their dashboard
("What to do next"): the same page as the emailed link, without the link. Only the person
the invitation was sent to finds it (their address is verified at sign-up); anyone else,
and a missing id, get the same 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from ..models import Invitation
from ..services import team as team_services
from .invitations import _decline_seat, _unusable


def my_invitation(request, invitation_pk):
    invitation = get_object_or_404(
        Invitation.objects.select_related("training", "nomination", "invited_by"),
        pk=invitation_pk, email__iexact=request.user.email)
    unusable = _unusable(request, invitation)
    if unusable:
        return unusable
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "decline" and invitation.kind == Invitation.Kind.PARTICIPANT:
        return _decline_seat(request, invitation)
    if action == "accept":
        try:
            team_services.accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Welcome: you are now {invitation.role_label.lower()} "
                                      f"of {invitation.training}.")
            return redirect(invitation.training)
    return render(request, "trainings/invitation.html", {
        "invitation": invitation, "training": invitation.training, "signup_form": None,
        "for_me": True})
