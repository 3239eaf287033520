"""Publishing the agenda and telling people (with an .ics) when it is published or changes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.rendering import absolute_url
from notifications.services import attachment, debounce, queue
from trainings.models import Membership, Nomination
from trainings.services import audit

from .. import ics, selectors
from ..models import Agenda, CalendarFeed

NOTIFY_DELAY_SECONDS = 600  # changes within 10 minutes go out as one email


def attendees(training):
    rows = [(m.user, "REQ-PARTICIPANT" if m.role else "OPT-PARTICIPANT")
            for m in Membership.objects.filter(training=training).select_related("user")]
    seen, unique = set(), []
    for user, role in rows:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append((user, role))
    return unique


def people_concerned(training):
    users = {m.user for m in Membership.objects.filter(training=training).select_related("user")}
    users |= {n.user for n in Nomination.objects.filter(
        training=training, status=Nomination.Status.CONFIRMED).select_related("user") if n.user}
    return sorted(users, key=lambda u: u.email)


def personal_ics(user, training):
    slots = [(training, slot) for slot in selectors.slots_of(training)
             if selectors.is_personal(slot, selectors.leads_of(user, training))]
    return ics.build(name=f"{training} – my agenda", entries=slots,
                     attendees={training.pk: attendees(training)})


@transaction.atomic
def publish(*, actor, training):
    agenda = Agenda.objects.select_for_update().get(training=training)
    report = selectors.agenda_report(training)
    if report.errors:
        raise ValidationError(f"The agenda has {len(report.errors)} error(s); fix them before "
                              "publishing.")
    agenda.published_at = timezone.now()
    agenda.published_version = agenda.version
    agenda.save(update_fields=["published_at", "published_version"])
    audit.record(training=training, actor=actor, action="agenda published", obj=training,
                 changes={"agenda_version": [None, agenda.version]})
    send_agenda(training=training, version=agenda.version, first=True)
    return agenda


def agenda_url(training):
    return absolute_url(reverse("scheduling:agenda", args=[training.pk]))


def send_agenda(*, training, version, first):
    """The published agenda to everyone concerned, each with their personal .ics."""
    for user in people_concerned(training):
        queue(kind="agenda_published", key=f"agenda:{training.pk}:v{version}:{user.pk}",
              address=user.email, recipient=user, training=training,
              context={"training": training, "user": user, "url": agenda_url(training)},
              attachments=[attachment(f"agenda-{training.pk}.ics",
                                      personal_ics(user, training), "text/calendar")])
    Agenda.objects.filter(training=training).update(notified_version=version)


def after_change(agenda):
    """A published agenda changed: one "agenda changed" message per person, sent
    NOTIFY_DELAY_SECONDS after the last change of a burst, rendered (with the .ics) when
    it is sent."""
    if not agenda.is_published:
        return
    training = agenda.training
    send_at = timezone.now() + datetime.timedelta(seconds=NOTIFY_DELAY_SECONDS)
    for user in people_concerned(training):
        debounce(kind="agenda_changed", key=f"agenda:{training.pk}:v{agenda.version}:{user.pk}",
                 address=user.email, recipient=user, training=training, send_at=send_at)


def feed_for(*, user, training=None):
    feed = CalendarFeed.objects.filter(user=user, training=training, revoked_at=None).first()
    return feed or CalendarFeed.objects.create(user=user, training=training)


@transaction.atomic
def reset_feed(*, user, training=None):
    CalendarFeed.objects.filter(user=user, training=training, revoked_at=None).update(
        revoked_at=timezone.now())
    return CalendarFeed.objects.create(user=user, training=training)
