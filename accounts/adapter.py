from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Open sign-up is off: accounts are created by staff or through an invitation.

    An invitation view puts `invitation_allows_signup` in the session before it sends the
    invitee to the sign-up form.
    """

    def is_open_for_signup(self, request):
        return bool(request.session.get("invitation_allows_signup"))
