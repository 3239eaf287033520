from notifications.kinds import Kind, register


@register
class NominationWithdrawn(Kind):
    """Nomination withdrawn: queued by the trainings services at the moment of the event."""

    name = "nomination_withdrawn"
    label = "Nomination withdrawn"
    template = "trainings/email/nomination_withdrawn"
