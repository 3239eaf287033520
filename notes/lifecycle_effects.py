"""What completing a training means for the thank-you and its outcome summary (told on the
confirmation page of the status stepper, trainings.lifecycle). Importing this module also
registers the thank-you kind with the outbox."""

from django.urls import reverse
from django.utils import timezone

from scheduling.messages.base import People
from trainings.lifecycle import Line, register_effect
from trainings.models import Training

from .thank_you import ThankYou, short_summary

S = Training.Status


def _people(count):
    return "1 confirmed participant" if count == 1 else f"{count} confirmed participants"


def completing(training, status):
    participants = People.of(training).participants
    if not participants:
        return [Line("No participant is confirmed, so no thank-you email is planned.")]
    when = ThankYou().first_send_at(training, participants, completed_at=timezone.now())
    lines = [Line(f"The thank-you email with the outcome summary and a link to the outcome "
                  f"page is planned for the {_people(len(participants))}, from", when=when)]
    if not short_summary(training)[1]:
        lines.append(Line("No outcome summary is written yet: the thank-you carries the "
                          "summary as it stands when it goes.",
                          url=reverse("notes:outcome", args=[training.pk]),
                          link="Write the outcome summary"))
    return lines


def reopening(training, status):
    if training.status != S.COMPLETED:
        return []
    return [Line("The thank-you emails not sent yet are cancelled; those already sent stay "
                 "sent, and completing again never sends one twice.")]


register_effect(S.COMPLETED, completing)
register_effect(S.IN_DELIVERY, reopening)
