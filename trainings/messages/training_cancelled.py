from notifications.kinds import register

from .calendar import TrainingCalendar


@register
class TrainingCancelled(TrainingCalendar):
    """Training cancelled: queued by the trainings services at the moment of the event.
    Carries an .ics that removes the training from calendars (METHOD:CANCEL)."""

    name = "training_cancelled"
    label = "Training cancelled"
    template = "trainings/email/training_cancelled"
    cancels = True
