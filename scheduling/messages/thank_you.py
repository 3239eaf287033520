import datetime

from notifications.kinds import register

from .base import MORNING, Reminder, at_local


@register
class ThankYou(Reminder):
    """Confirmed participants, the morning after the last day, 09:00 their time."""

    name = "thank_you"
    label = "Post-training thank-you"
    template = "scheduling/email/reminder_thank_you"
    days_after = 1
    subject = "thank-you"

    def plan(self, training, *, now, people):
        day = training.end_date + datetime.timedelta(days=self.days_after)
        return [self.planned_message(training, user, self.subject,
                                     at_local(day, MORNING, user.time_zone))
                for user in people.participants]
