import datetime

from notifications.kinds import register
from trainings.models import Training

from .base import MORNING, Reminder, at_local

OPEN = (Training.Status.DRAFT, Training.Status.PLANNING, Training.Status.NOMINATIONS_OPEN)


@register
class NominationDeadline(Reminder):
    """RCO admins, 28 and 22 days before the start, 09:00 their time, while nominations are
    open (guide section 3.2: nominations close three weeks before)."""

    name = "nomination_deadline"
    label = "Nomination deadline (RCO admins)"
    template = "scheduling/email/reminder_nomination_deadline"

    def plan(self, training, *, now, people):
        if training.status not in OPEN:
            return []
        return [self.planned_message(
            training, user, f"deadline-{days}",
            at_local(training.start_date - datetime.timedelta(days=days), MORNING,
                     user.time_zone), deadline=training.nomination_deadline.isoformat())
            for user in people.rco for days in (28, 22)]

    def context(self, message):
        context = super().context(message)
        context["deadline"] = datetime.date.fromisoformat(message.context["deadline"])
        return context
