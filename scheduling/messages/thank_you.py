"""When the messages that follow a completed training go (the thank-you, registered by
`notes` because it carries the outcome summary, and the action-plan follow-ups)."""

import datetime

from trainings.models import Training

from .base import MORNING, Reminder, at_local

# A training marked completed after its last day still gets its thank-you: this long after.
SOON = datetime.timedelta(minutes=10)


class AfterTraining(Reminder):
    """Confirmed participants, `days_after` days after the last day at 09:00 their time, once
    the training is completed, and never before it was marked completed (+ SOON): a training
    completed late still gets them, soon, and not in the past. The key is one per person, so
    going back and completing again never sends a message twice."""

    days_after = 1
    subject = ""

    def send_at(self, training, user, completed_at=None):
        day = training.end_date + datetime.timedelta(days=self.days_after)
        completed_at = completed_at or training.completed_at
        return max(at_local(day, MORNING, user.time_zone), completed_at + SOON)

    def plan(self, training, *, now, people):
        if training.status != Training.Status.COMPLETED or training.completed_at is None:
            return []
        return [self.planned_message(training, user, self.subject,
                                     self.send_at(training, user))
                for user in people.participants]

    def first_send_at(self, training, participants, *, completed_at):
        """The earliest of the times `plan` would give these participants if the training
        were completed at `completed_at` (for the confirmation page), or None."""
        times = [self.send_at(training, user, completed_at) for user in participants]
        return min(times) if times else None

    def unwanted(self, message):
        if message.training_id and message.training.status != Training.Status.COMPLETED:
            return "training no longer completed"
        return None
