"""The overview's "What to do next" list and the timeline of a training's phases
(`{% include "trainings/_next.html" %}` at the top of the overview)."""

from django import template
from django.utils import timezone

from .. import next as next_items
from .. import timeline as timeline_phases

register = template.Library()


@register.inclusion_tag("trainings/_next_list.html", takes_context=True)
def next_list(context, training):
    """What the signed-in user should do next on `training`, by due date."""
    user = context["request"].user
    return {"items": next_items.for_training(user, training, timezone.now()),
            "heading_id": f"next-{training.pk}", "request": context["request"]}


@register.inclusion_tag("trainings/_timeline.html")
def timeline(training, compact=False):
    """The training's phases (T-60 to T+90) with the current one marked."""
    return {"training": training, "phases": timeline_phases.phases(training, timezone.now()),
            "compact": compact}
