"""Accepting an invitation: signs in, links an existing account or creates one."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from config.middleware import public_view

from ..forms import InvitationSignupForm
from ..models import Invitation
from ..services import nominations as nomination_services
from ..services import team as team_services


@public_view
@never_cache
def invitation(request, token):
    invitation = team_services.find_invitation(token)
    if invitation is None:
        return render(request, "trainings/invitation_invalid.html",
                      {"reason": "This link is not valid. Ask for a new invitation."}, status=404)
    if not invitation.is_usable or invitation.training.is_cancelled:
        reason = ("The training was cancelled." if invitation.training.is_cancelled
                  else f"This invitation is {invitation.state}.")
        return render(request, "trainings/invitation_invalid.html",
                      {"reason": reason, "invitation": invitation}, status=410)

    User = get_user_model()
    has_account = User.objects.filter(email=invitation.email).exists()
    signup_form = None
    if request.method == "POST" and request.POST.get("action") == "decline" \
            and invitation.kind == Invitation.Kind.PARTICIPANT:
        nomination_services.withdraw(actor=request.user if request.user.is_authenticated else None,
                                     nomination=invitation.nomination,
                                     reason="Declined the seat through the invitation link.")
        return render(request, "trainings/invitation_invalid.html", {
            "reason": "You declined the seat. Thank you for letting us know.",
            "invitation": invitation})
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                team_services.accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"Welcome: you are now {invitation.role_label.lower()} "
                                          f"of {invitation.training}.")
                return redirect(invitation.training)
    elif has_account:
        messages.info(request, f"Sign in as {invitation.email} to accept the invitation.")
        return redirect_to_login(request.get_full_path())
    else:
        signup_form = InvitationSignupForm(
            request.POST or None, email=invitation.email,
            initial={"full_name": invitation.nomination.full_name if invitation.nomination
                     else "", "time_zone": invitation.training.time_zone})
        if request.method == "POST" and signup_form.is_valid():
            try:
                user = team_services.create_account_and_accept(
                    invitation=invitation, full_name=signup_form.cleaned_data["full_name"],
                    password=signup_form.cleaned_data["password1"],
                    time_zone=signup_form.cleaned_data["time_zone"])
            except ValidationError as exc:
                signup_form.add_error(None, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Your account is ready and you are "
                                          f"{invitation.role_label.lower()} of "
                                          f"{invitation.training}.")
                return redirect(invitation.training)
    return render(request, "trainings/invitation.html", {
        "invitation": invitation, "training": invitation.training, "signup_form": signup_form,
    })
