"""What completing a training offers for certificates (told on the confirmation page of the
status stepper, trainings.lifecycle): how many confirmed participants may be issued one,
with a link to the certificates page where they are issued all at once."""

from django.conf import settings
from django.urls import reverse

from trainings.lifecycle import Line, register_effect
from trainings.models import Training

from .rendering import attendance_rates


def eligible_count(training):
    """How many confirmed participants `services.eligible` would accept (the same rates and
    threshold, read once for everyone: that function reads them per participant)."""
    rates, taken = attendance_rates(training)
    if not taken:
        return None
    return sum(rate >= settings.CERTIFICATE_ATTENDANCE_THRESHOLD for rate in rates.values())


def certificates(training, status):
    url = reverse("documents:list", args=[training.pk])
    count = eligible_count(training)
    if count is None:
        return [Line("No attendance has been taken, so no certificate can be issued yet.",
                     url=url, link="Documents page")]
    people = "1 participant" if count == 1 else f"{count} participants"
    return [Line(f"Certificates can be issued to {people} (attendance of at least "
                 f"{settings.CERTIFICATE_ATTENDANCE_THRESHOLD:.0%}).",
                 url=reverse("documents:certificates", args=[training.pk]),
                 link="Issue them on the Certificates page")]


register_effect(Training.Status.COMPLETED, certificates)
