"""Message kinds about trainings, seats and invitations: one module per kind, registered
with the outbox when the app is ready (notifications.kinds)."""

from . import (  # noqa: F401 - each module registers its kind
    announcement,
    invitation,
    invitation_offer,
    nomination_confirmed,
    nomination_declined,
    nomination_rco_update,
    nomination_waitlisted,
    nomination_withdrawn,
    offer_lapsed,
    training_cancelled,
)
