"""What every reminder kind shares: who the training's people are (loaded once per planning
run), the session blocks, the local-morning helper, and loading a message's context when it
is sent."""

import dataclasses
import datetime

from accounts.times import to_utc
from notifications.kinds import Kind, Planned
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training

from ..blocks import session_blocks
from ..models import Slot

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
            blocks=session_blocks(training),  # scheduling.blocks
        )


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
