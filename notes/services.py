from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Question

MAX_QUESTION = 2000


@transaction.atomic
def capture_question(*, id, training, user, text, captured_at, slot=None, asked_by=None,
                     asked_by_name="", source="run mode"):
    text = (text or "").strip()
    if not text:
        raise ValidationError("A question needs text.")
    if len(text) > MAX_QUESTION:
        raise ValidationError(f"A question is at most {MAX_QUESTION} characters.")
    question, _ = Question.objects.get_or_create(id=id, defaults={
        "training": training, "slot": slot, "text": text, "asked_by": asked_by,
        "asked_by_name": (asked_by_name or "")[:200], "captured_by": user,
        "captured_at": captured_at, "source": source})
    return question
