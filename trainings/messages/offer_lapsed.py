from notifications.kinds import Kind, register


@register
class OfferLapsed(Kind):
    """Waiting-list offer lapsed: queued by the trainings services at the moment of the event."""

    name = "offer_lapsed"
    label = "Waiting-list offer lapsed"
    template = "trainings/email/offer_lapsed"
