from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from curriculum.models import AgendaItem, Curriculum, Handout, Session

from .models import Activity, ActivityPart

PARTS = ActivityPart.objects.select_related("module")


def session_page(slug, key):
    """A session with objectives, outputs, its agenda items and its activities' parts."""
    items = AgendaItem.objects.select_related("element__module").prefetch_related(
        Prefetch("activity_parts", queryset=PARTS.select_related("activity"))
    )
    activities = Activity.objects.prefetch_related(
        Prefetch("parts", queryset=PARTS), "handouts"
    )
    return get_object_or_404(
        Session.objects.select_related("module", "curriculum").prefetch_related(
            "objectives", "outputs", "handouts",
            Prefetch("agenda_items", queryset=items),
            Prefetch("activities", queryset=activities),
        ),
        curriculum__slug=slug, key=key,
    )


def activity_page(slug, number):
    parts = PARTS.prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("element__module"))
    )
    return get_object_or_404(
        Activity.objects.select_related("session", "curriculum").prefetch_related(
            Prefetch("parts", queryset=parts), "handouts"
        ),
        curriculum__slug=slug, number=number,
    )


def curriculum_tree(slug):
    """Everything of a curriculum in a fixed number of queries (for the API)."""
    items = AgendaItem.objects.select_related("session").prefetch_related(
        Prefetch("activity_parts", queryset=ActivityPart.objects.select_related("activity"))
    )
    return get_object_or_404(
        Curriculum.objects.prefetch_related(
            "modules__sessions__objectives",
            "modules__sessions__outputs",
            Prefetch("modules__elements__items", queryset=items),
            Prefetch("activities", queryset=Activity.objects.select_related("session")
                     .prefetch_related(Prefetch("parts", queryset=PARTS), "handouts")),
            Prefetch("handouts", queryset=Handout.objects.select_related("session")
                     .prefetch_related("activities")),
        ),
        slug=slug,
    )
