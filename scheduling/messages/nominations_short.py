from notifications.kinds import register
from trainings.models import Nomination

from .base import MORNING, Reminder, at_local
from .nomination_deadline import OPEN


def nominations_count(training):
    return Nomination.objects.filter(training=training).exclude(
        status__in=[Nomination.Status.DECLINED, Nomination.Status.WITHDRAWN]).count()


@register
class NominationsShort(Reminder):
    """Facilitators, at the nomination deadline, 09:00 their time; cancelled at send time if
    the nominations reached the capacity by then."""

    name = "nominations_short"
    label = "Nominations short of capacity (facilitators)"
    template = "scheduling/email/reminder_nominations_short"

    def plan(self, training, *, now, people):
        if training.status not in OPEN:
            return []
        return [self.planned_message(training, user, "short",
                                     at_local(training.nomination_deadline, MORNING,
                                              user.time_zone))
                for user in people.facilitators]

    def unwanted(self, message):
        reason = super().unwanted(message)
        if reason:
            return reason
        count = nominations_count(message.training)
        if count >= message.training.capacity:
            return f"not needed: {count} nominations for {message.training.capacity} seats"
        return None

    def context(self, message):
        return {**super().context(message), "count": nominations_count(message.training)}
