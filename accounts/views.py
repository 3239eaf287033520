from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from . import access, selectors, services, tokens
from .forms import ApiTokenForm, ProfileForm


def _page(request, *, form=None, token_form=None, new_token=None):
    return render(request, "accounts/profile.html", {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": selectors.tokens_of(request.user),
        "new_token": new_token, "rate_per_minute": tokens.rate_per_minute(),
    })


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    return _page(request, form=form)


@require_POST
def create_token(request):
    """Make a token and show it in this response only (never stored, never redirected to:
    the page after a reload or a back button no longer has it)."""
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        data = token_form.cleaned_data
        try:
            row, token = services.create_api_token(
                user=request.user, name=data["name"], days=data["expires_in"],
                scope=data["scope"])
        except ValidationError as exc:
            token_form.add_error(None, exc)
        else:
            response = _page(request, new_token={"row": row, "token": token})
            add_never_cache_headers(response)
            return response
    return _page(request, token_form=token_form)


@require_POST
def revoke_token(request, pk):
    token = services.revoke_api_token(token=access.get_own_token(request, pk))
    messages.success(request, f"The token “{token.name}” was revoked: requests that present "
                              "it are refused from now on.")
    return redirect("accounts:profile")
