from django.shortcuts import render

from . import selectors


def curriculum_list(request):
    return render(request, "curriculum/curriculum_list.html",
                  {"curricula": selectors.curricula_with_counts()})


def curriculum_detail(request, slug):
    curriculum = selectors.curriculum_overview(slug)
    modules = list(curriculum.modules.all())
    for module in modules:
        module.all_notes = module.editor_notes + [
            f"{element.get_phase_display()} element: {note}"
            for element in module.elements.all() for note in element.editor_notes
        ]
    totals = {
        "online": sum(m.online_minutes for m in modules),
        "offline": sum(m.offline_minutes for m in modules),
    }
    return render(request, "curriculum/curriculum_detail.html",
                  {"curriculum": curriculum, "modules": modules, "totals": totals})


def gcm_objectives(request):
    data = selectors.reference_data()
    return render(request, "curriculum/gcm_objectives.html",
                  {"thematic_areas": data["thematic_areas"], "objectives": data["gcm_objectives"]})


def guiding_principles(request):
    return render(request, "curriculum/guiding_principles.html",
                  {"principles": selectors.reference_data()["guiding_principles"]})


def sdgs(request):
    return render(request, "curriculum/sdgs.html", {"sdgs": selectors.reference_data()["sdgs"]})
