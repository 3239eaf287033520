from notifications.kinds import Kind, register


@register
class NominationRcoUpdate(Kind):
    """Nomination update for RCO admins: queued by the trainings services at the moment of the event."""

    name = "nomination_rco_update"
    label = "Nomination update for RCO admins"
    template = "trainings/email/nomination_rco_update"
