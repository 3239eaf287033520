"""404 if you may not see it: a person reaches only their own API tokens."""

from django.shortcuts import get_object_or_404

from .models import ApiToken


def get_own_token(request, pk):
    """The signed-in user's token `pk`; another person's token answers 404 as a missing
    id does (an id tells nothing)."""
    return get_object_or_404(ApiToken, pk=pk, user=request.user)
