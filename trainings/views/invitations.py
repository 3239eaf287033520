"""Accepting an invitation: signs in, links an existing account or creates one."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from ..forms import InvitationSignupForm
from ..models import Invitation
from ..services import nominations as nomination_services
from ..services import team as team_services


def _unusable(request, invitation):
    """The page for a link that no longer works, or None if it works."""
    if invitation is None:
        return render(request, "trainings/invitation_invalid.html",
                      {"reason": "This link is not valid. Ask for a new invitation."}, status=404)
    if not invitation.is_usable or invitation.training.is_cancelled:
        reason = ("The training was cancelled." if invitation.training.is_cancelled
                  else f"This invitation is {invitation.state}.")
        return render(request, "trainings/invitation_invalid.html",
                      {"reason": reason, "invitation": invitation}, status=410)
    return None


def _decline_seat(request, invitation):
    """"I cannot attend": the nominee gives the seat up through the link."""
    try:
        nomination_services.withdraw(actor=request.user if request.user.is_authenticated else None,
                                     nomination=invitation.nomination,
                                     reason="Declined the seat through the invitation link.")
    except ValidationError as exc:
        reason = " ".join(exc.messages)
    else:
        reason = "You declined the seat. Thank you for letting us know."
    return render(request, "trainings/invitation_invalid.html",
                  {"reason": reason, "invitation": invitation})


def _accept(request, invitation):
    """A signed-in user accepts with one click."""
    try:
        team_services.accept(invitation=invitation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, f"Welcome: you are now {invitation.role_label.lower()} "
                              f"of {invitation.training}.")
    return redirect(invitation.training)


def _sign_up(request, invitation, form):
    """A new invitee creates the account on the invitation page and accepts."""
    try:
        user = team_services.create_account_and_accept(
            invitation=invitation, full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"], time_zone=form.cleaned_data["time_zone"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Your account is ready and you are "
                              f"{invitation.role_label.lower()} of {invitation.training}.")
    return redirect(invitation.training)


def _signup_form(request, invitation):
    return InvitationSignupForm(
        request.POST or None, email=invitation.email,
        initial={"full_name": invitation.nomination.full_name if invitation.nomination else "",
                 "time_zone": invitation.training.time_zone})


@login_not_required
@never_cache
def invitation(request, token):
    invitation = team_services.find_invitation(token)
    unusable = _unusable(request, invitation)
    if unusable:
        return unusable
    posted = request.method == "POST"
    if posted and request.POST.get("action") == "decline" \
            and invitation.kind == Invitation.Kind.PARTICIPANT:
        return _decline_seat(request, invitation)
    signup_form = None
    if request.user.is_authenticated:
        done = _accept(request, invitation) if posted else None
    elif get_user_model().objects.filter(email=invitation.email).exists():
        messages.info(request, f"Sign in as {invitation.email} to accept the invitation.")
        return redirect_to_login(request.get_full_path())
    else:
        signup_form = _signup_form(request, invitation)
        done = _sign_up(request, invitation, signup_form) if posted and signup_form.is_valid() \
            else None
    return done or render(request, "trainings/invitation.html", {
        "invitation": invitation, "training": invitation.training, "signup_form": signup_form,
        "for_me": invitation.is_for(request.user),
    }, status=403 if posted and request.user.is_authenticated
                  and not invitation.is_for(request.user) else 200)
