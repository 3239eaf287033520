"""A participant's own pack and certificate for "What to do next" (`trainings.next`,
registered in apps.py).

- The participant pack: from 10 days before the start (when the documents must be online,
  the checklist says) until the last day, while no pack of theirs has been made; due when
  the first session starts.
- The certificate: once the facilitators issued one (and did not revoke it), while no
  certificate document of theirs has been made; no due date.
"Made" is a ready document of that participant: the documents page makes it and offers the
download. A constant number of queries whatever the number of trainings."""

import datetime

from django.db.models import Min
from django.urls import reverse

from accounts import times
from scheduling.models import Slot
from trainings.models import Nomination, Training
from trainings.next import NextItem, register_source
from trainings.rules import PARTICIPANT

from .models import Certificate, Document

PACK_FROM = datetime.timedelta(days=10)


def _pack(training, first_start, made, now):
    starts = first_start or times.to_utc(training.start_date, datetime.time.min,
                                         training.time_zone)
    ends = times.to_utc(training.end_date + datetime.timedelta(days=1), datetime.time.min,
                        training.time_zone)
    if made or not (starts - PACK_FROM <= now < ends):
        return None
    return NextItem(text="Download your participant pack",
                    url=reverse("documents:list", args=[training.pk]), due=starts,
                    kind="pack", training=training)


def documents_to_download(user, trainings, roles, now):
    mine = {t.pk: t for t in trainings if PARTICIPANT in roles[t.pk]
            and t.status != Training.Status.CANCELLED}
    if not mine:
        return []
    nominations = dict(Nomination.objects.filter(
        training__in=list(mine), user=user, status=Nomination.Status.CONFIRMED)
        .values_list("pk", "training_id"))
    made = set(Document.objects.filter(participant__in=list(nominations),
                                       kind__in=[Document.Kind.PACK, Document.Kind.CERTIFICATE],
                                       state=Document.State.READY)
               .values_list("participant_id", "kind"))
    issued = set(Certificate.objects.filter(participant__in=list(nominations), revoked_at=None)
                 .values_list("participant_id", flat=True))
    starts = dict(Slot.objects.filter(training__in=list(mine)).order_by()
                  .values_list("training").annotate(first=Min("start")))
    items = []
    for nomination_id, training_id in nominations.items():
        training = mine[training_id]
        pack = _pack(training, starts.get(training_id),
                     (nomination_id, Document.Kind.PACK) in made, now)
        if pack:
            items.append(pack)
        if nomination_id in issued and (nomination_id, Document.Kind.CERTIFICATE) not in made:
            items.append(NextItem(text="Download your certificate of participation",
                                  url=reverse("documents:list", args=[training.pk]), due=None,
                                  kind="certificate", training=training))
    return items


SOURCES = {
    "documents_to_download": documents_to_download,
}
for _name, _source in SOURCES.items():
    register_source(_name, _source)
