from notifications.kinds import Kind, register


@register
class NominationDeclined(Kind):
    """Nomination declined: queued by the trainings services at the moment of the event."""

    name = "nomination_declined"
    label = "Nomination declined"
    template = "trainings/email/nomination_declined"
