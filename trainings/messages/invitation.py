from notifications.kinds import register

from .calendar import TrainingCalendar


@register
class Invitation(TrainingCalendar):
    """Invitation to join a training or to take a seat: queued by the trainings services at
    the moment of the event. Carries the training's dates as an .ics
    (trainings.messages.calendar)."""

    name = "invitation"
    label = "Invitation to join a training or to take a seat"
    template = "trainings/email/invitation"

    def unwanted(self, message):
        """An invitation revoked, accepted or expired before its email went out is not sent
        (its link would not work)."""
        from trainings.models import Invitation as InvitationRow

        invitation = InvitationRow.objects.filter(pk=message.context.get("invitation")).first()
        if invitation is None:
            return None if "invitation" not in message.context else "invitation deleted"
        state = invitation.state
        return None if state == "pending" else f"the invitation is {state}"
