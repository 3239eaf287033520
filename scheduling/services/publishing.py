"""Publishing the agenda and telling people (with an .ics) when it is published or changes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mailer.services import queue_email
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


def send_agenda(*, training, version, first):
    template = "scheduling/email/agenda_published" if first else "scheduling/email/agenda_changed"
    for user in people_concerned(training):
        content = personal_ics(user, training).decode()
        queue_email(key=f"agenda:{training.pk}:v{version}:{user.pk}", to=user.email,
                    recipient=user, template=template,
                    context={"training": training, "user": user,
                             "url": f"{settings.SITE_URL.rstrip('/')}/trainings/{training.pk}/agenda/"},
                    attachments=[{"filename": f"agenda-{training.pk}.ics", "content": content,
                                  "mimetype": "text/calendar"}])
    Agenda.objects.filter(training=training).update(notified_version=version)


def after_change(agenda):
    """A published agenda changed: tell people once things settle (debounced)."""
    if not agenda.is_published:
        return
    from ..tasks import notify_agenda_change

    training_id, version = agenda.training_id, agenda.version
    transaction.on_commit(lambda: notify_agenda_change.apply_async(
        args=[training_id, version], countdown=NOTIFY_DELAY_SECONDS))


@transaction.atomic
def notify_change(*, training_id, version):
    agenda = Agenda.objects.select_for_update().select_related("training").get(
        training_id=training_id)
    if agenda.version != version or (agenda.notified_version or 0) >= version:
        return False  # a later change will send, or this one was sent already
    send_agenda(training=agenda.training, version=version, first=False)
    return True


def feed_for(*, user, training=None):
    feed = CalendarFeed.objects.filter(user=user, training=training, revoked_at=None).first()
    return feed or CalendarFeed.objects.create(user=user, training=training)


@transaction.atomic
def reset_feed(*, user, training=None):
    CalendarFeed.objects.filter(user=user, training=training, revoked_at=None).update(
        revoked_at=timezone.now())
    return CalendarFeed.objects.create(user=user, training=training)
