from notifications.kinds import Kind, register


@register
class NominationWaitlisted(Kind):
    """Placed on the waiting list: queued by the trainings services at the moment of the event."""

    name = "nomination_waitlisted"
    label = "Placed on the waiting list"
    template = "trainings/email/nomination_waitlisted"
