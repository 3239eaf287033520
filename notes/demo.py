"""Demo: Module 1 of the Kenya training with notes, group outputs and questions."""

import datetime
import uuid

from activities.models import ActivityPart
from scheduling.models import Slot

from . import services
from .models import GroupOutput, Question, SessionNote

NOTES = {
    "key_points": "- Migration governance in Kenya involves several ministries; coordination is "
                  "the first gap named.\n- The GCM's 360-degree view helped link labour "
                  "migration and diaspora engagement.",
    "agreements": "- Use the national UN Network on Migration as the coordination channel.",
    "activity_outcomes": "Groups adapted actions under objectives 1, 5, 6, 19 and 23 (see outputs).",
    "follow_up": "- Ask the RCO for the latest labour migration data before Module 3.",
}


def seed(*, training, rapporteur, facilitator):
    slot = Slot.objects.filter(training=training, kind="offline", module__number=1,
                               activity_parts__activity__number=1).first()
    if slot is None or SessionNote.objects.filter(slot=slot).exists():
        return
    when = slot.end
    for section, text in NOTES.items():
        services.save_section(user=rapporteur, slot=slot, section=section, text=text,
                              base_number=0, saved_at=when)
    services.publish(user=facilitator, note=SessionNote.objects.get(slot=slot))
    part = ActivityPart.objects.filter(activity__number=1, key="3").first()
    if part and not GroupOutput.objects.filter(training=training, part=part).exists():
        for number, (objective, actions) in enumerate(
                [("1", "Joint data platform with the national statistics office"),
                 ("6", "Fair recruitment code of conduct with private agencies"),
                 ("19", "Diaspora investment desk")], start=1):
            services.save_group_output(user=rapporteur, training=training, part=part,
                                       group_number=number, group_name=f"Group {number}",
                                       data={"objective_1": objective, "actions_1": actions})
    for offset, text in enumerate(["How does the MPTF choose which joint programmes to fund?",
                                   "Can county governments take part in the GCM review?"]):
        Question.objects.get_or_create(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-question-{training.pk}-{offset}"),
            defaults={"training": training, "slot": slot, "text": text, "source": "run mode",
                      "captured_at": when - datetime.timedelta(minutes=30 - offset)})
