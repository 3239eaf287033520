"""What every reminder kind shares: who the training's people are (loaded once per planning
run), the session blocks, the local-morning helper, and loading a message's context when it
is sent."""

import dataclasses
import datetime

from notifications.kinds import Kind, Planned
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training

from ..models import Slot, SlotKind
from ..timeutils import to_utc

MORNING = datetime.time(9, 0)


def at_local(day, time, user_tz):
    return to_utc(day, time, user_tz or "UTC")


@dataclasses.dataclass
class People:
    """A training's people and session blocks, as every planned kind needs them."""

    team: set
    facilitators: set
    rapporteurs: set
    rco: list
    nominations: list
    participants: set
    blocks: list

    @classmethod
    def of(cls, training):
        members = list(Membership.objects.filter(training=training).select_related("user"))
        nominations = list(Nomination.objects.filter(training=training).select_related("user"))
        return cls(
            team={m.user for m in members},
            facilitators={m.user for m in members
                          if m.role in (Role.LEAD_FACILITATOR, Role.FACILITATOR)},
            rapporteurs={m.user for m in members if m.role == Role.RAPPORTEUR},
            rco=[a.user for a in CountryAdmin.objects.filter(country=training.country)
                 .select_related("user")],
            nominations=nominations,
            participants={n.user for n in nominations
                          if n.status == Nomination.Status.CONFIRMED and n.user},
            blocks=sessions(training),
        )


def sessions(training, slots=None):
    """Blocks of consecutive online or offline slots of one module: what people attend."""
    blocks = []
    for slot in slots if slots is not None else Slot.objects.filter(
            training=training, kind__in=[SlotKind.ONLINE, SlotKind.OFFLINE]).order_by("start"):
        if slot.kind not in (SlotKind.ONLINE, SlotKind.OFFLINE):
            continue
        last = blocks[-1] if blocks else None
        if last and last["kind"] == slot.kind and last["module_id"] == slot.module_id \
                and datetime.timedelta(0) <= slot.start - last["end"] <= \
                datetime.timedelta(minutes=20):
            last["end"] = max(last["end"], slot.end)
            last["last_uid"] = str(slot.uid)
        else:
            blocks.append({"kind": slot.kind, "module_id": slot.module_id,
                           "module": slot.module.number if slot.module else None,
                           "start": slot.start, "end": slot.end, "first_uid": str(slot.uid),
                           "last_uid": str(slot.uid)})
    return blocks


class Reminder(Kind):
    """A planned reminder about a training: rendered when sent, from ids in its context."""

    planned = True
    render_at_send = True
    slot_field = None  # "first" or "last": the context names the slot it is about

    def planned_message(self, training, user, subject, send_at, *, email=None, **context):
        """One Planned row with the key format kept from the reminder rows of round 1."""
        email = email or user.email
        return Planned(key=f"{self.name}:{training.pk}:{subject}:{user.pk if user else email}",
                       address=email, send_at=send_at, recipient=user, context=context,
                       kind=self.name)

    def unwanted(self, message):
        if message.training_id and message.training.status == Training.Status.CANCELLED:
            return "training cancelled"
        return None

    def context(self, message):
        context = {"reminder": message, "training": message.training,
                   "user": message.recipient}
        if message.context.get("slot"):
            slot = Slot.objects.select_related("module").filter(
                uid=message.context["slot"]).first()
            context["slot"] = slot
            context["where"] = slot.where(message.training) if slot else ""
        return context
