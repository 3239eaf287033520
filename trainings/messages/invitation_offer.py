from notifications.kinds import register

from .invitation import Invitation


@register
class InvitationOffer(Invitation):
    """Waiting-list offer of a seat: queued by the trainings services at the moment of the event.
    Carries the training's dates as an .ics (trainings.messages.calendar)."""

    name = "invitation_offer"
    label = "Waiting-list offer of a seat"
    template = "trainings/email/invitation_offer"
