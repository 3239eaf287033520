import datetime

from notifications.kinds import register
from trainings.models import Nomination

from .base import Reminder

OFFER_WARNING = datetime.timedelta(hours=12)


def _nomination(message):
    return Nomination.objects.filter(pk=message.context.get("nomination")).first()


@register
class OfferLapsing(Reminder):
    """A waitlisted person holding an offer, 12 hours before it lapses (with the moment it
    lapses, in the training's zone and the recipient's)."""

    name = "offer_lapsing"
    label = "Waiting-list offer about to lapse"
    template = "scheduling/email/reminder_offer_lapsing"

    def plan(self, training, *, now, people):
        return [self.planned_message(
            training, n.user, f"offer:{n.pk}:{n.offer_expires_at:%Y%m%d%H%M}",
            n.offer_expires_at - OFFER_WARNING, email=n.email, nomination=n.pk)
            for n in people.nominations if n.has_open_offer]

    def unwanted(self, message):
        reason = super().unwanted(message)
        if reason:
            return reason
        nomination = _nomination(message)
        if nomination is None or not nomination.has_open_offer:
            return "the offer is no longer open"
        return None

    def context(self, message):
        return {**super().context(message), "nomination": _nomination(message)}
