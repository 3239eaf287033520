from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from trainings.views.access import get_training

from .models import Question


def questions(request, pk):
    training = get_training(request, pk)
    if not request.user.has_perm("notes.view_questions", training):
        raise PermissionDenied("Questions are for the facilitators, the moderator and the "
                               "rapporteurs.")
    rows = (Question.objects.filter(training=training)
            .select_related("slot", "asked_by", "captured_by").order_by("-captured_at"))
    return render(request, "notes/questions.html", {"training": training, "questions": rows})
