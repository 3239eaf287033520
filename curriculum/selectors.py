"""Reads for the curriculum pages and API; query counts do not grow with the rows."""

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from .models import (
    Curriculum,
    Element,
    GcmObjective,
    GuidingPrinciple,
    Module,
    Sdg,
    SourceDocument,
    ThematicArea,
)


def curricula_with_counts():
    return Curriculum.objects.annotate(
        module_count=Count("modules", distinct=True),
        session_count=Count("sessions", distinct=True),
        handout_count=Count("handouts", distinct=True),
    ).order_by("title")


def curriculum_overview(slug):
    """The curriculum with modules, their sessions and their element totals (4 queries)."""
    elements = Element.objects.with_total_minutes().order_by("phase")
    modules = Module.objects.prefetch_related(
        "sessions", Prefetch("elements", queryset=elements)
    ).annotate(
        online_minutes=Sum("elements__items__minutes", filter=Q(elements__phase="online"),
                           default=0),
        offline_minutes=Sum("elements__items__minutes", filter=Q(elements__phase="offline"),
                            default=0),
    )
    return get_object_or_404(
        Curriculum.objects.prefetch_related(Prefetch("modules", queryset=modules)), slug=slug
    )


def reference_data():
    return {
        "thematic_areas": ThematicArea.objects.prefetch_related("objectives"),
        "gcm_objectives": GcmObjective.objects.prefetch_related("thematic_areas"),
        "guiding_principles": GuidingPrinciple.objects.all(),
        "sdgs": Sdg.objects.prefetch_related("targets"),
    }


def source_titles():
    """{file name: document title} of the seed documents the records cite."""
    return dict(SourceDocument.objects.values_list("file", "title"))
