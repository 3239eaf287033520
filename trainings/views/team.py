from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors
from ..forms import InviteForm
from ..models import Invitation, Membership
from ..services import team as team_services
from .access import get_training


def team(request, pk):
    training = get_training(request, pk, "trainings.view_team")
    can_manage = request.user.has_perm("trainings.manage_team", training)
    form = InviteForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        training = get_training(request, pk, "trainings.manage_team")
        if form.is_valid():
            kind, role = form.invitation_kind()
            try:
                team_services.invite(actor=request.user, training=training,
                                     email=form.cleaned_data["email"], kind=kind, role=role,
                                     message=form.cleaned_data["message"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("trainings:team", training.pk)
    return render(request, "trainings/team.html", {
        "training": training, "form": form, "can_manage": can_manage,
        **selectors.team(training),
    })


def _invitation(request, pk, invitation_pk):
    training = get_training(request, pk, "trainings.manage_team")
    return get_object_or_404(Invitation, pk=invitation_pk, training=training)


@require_POST
def resend(request, pk, invitation_pk):
    invitation = _invitation(request, pk, invitation_pk)
    try:
        team_services.resend(actor=request.user, invitation=invitation)
        messages.success(request, f"Invitation resent to {invitation.email}; the old link no "
                                  "longer works.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("trainings:team", pk)


@require_POST
def revoke(request, pk, invitation_pk):
    invitation = _invitation(request, pk, invitation_pk)
    try:
        team_services.revoke(actor=request.user, invitation=invitation)
        messages.success(request, f"Invitation to {invitation.email} revoked.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("trainings:team", pk)


@require_http_methods(["GET", "POST"])
def remove_member(request, pk, membership_pk):
    """GET: a page that says what removing does and asks to confirm; POST: remove."""
    training = get_training(request, pk, "trainings.manage_team")
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk,
                                   training=training)
    if request.method != "POST":
        return render(request, "trainings/team_remove.html", {
            "training": training, "membership": membership,
            "other_roles": selectors.role_labels(
                {m.role for m in Membership.objects.filter(training=training,
                                                           user=membership.user)
                 .exclude(pk=membership.pk)})})
    team_services.remove_member(actor=request.user, membership=membership)
    messages.success(request, f"{membership.user} is no longer {membership.get_role_display()}.")
    return redirect("trainings:team", pk)
