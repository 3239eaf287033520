from notifications.kinds import register

from .calendar import TrainingCalendar


@register
class NominationConfirmed(TrainingCalendar):
    """Seat confirmed: queued by the trainings services at the moment of the event.
    Carries the training's dates as an .ics (trainings.messages.calendar)."""

    name = "nomination_confirmed"
    label = "Seat confirmed"
    template = "trainings/email/nomination_confirmed"
