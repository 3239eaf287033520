"""Emails about trainings, queued in the outbox (delivered once, after commit)."""

from django.urls import reverse

from notifications.rendering import absolute_url
from notifications.services import queue

from ..models import CountryAdmin, Membership, Nomination


def _url(path):
    return absolute_url(path)


def training_url(training):
    return _url(training.get_absolute_url())


def invitation_url(token):
    return _url(reverse("trainings:invitation", args=[token]))


def send(*, key, to, template, context, recipient=None):
    """Queue a message of kind `template` (trainings/messages/<template>.py)."""
    return queue(kind=template, key=key, address=to, context=context, recipient=recipient,
                 training=context.get("training"))


def country_admins(training):
    return [ca.user for ca in CountryAdmin.objects.filter(country=training.country)
            .select_related("user")]


def team_and_country(training):
    users = {m.user for m in Membership.objects.filter(training=training).select_related("user")}
    users |= set(country_admins(training))
    return users


def seat_holders(training):
    """Everyone holding a seat now, open offers included (`holding_seats`)."""
    return Nomination.objects.filter(training=training).holding_seats().select_related("user")
