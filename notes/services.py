"""Writes for notes, questions, group outputs and the outcome report. No permission checks
here: the pages and the API check them (notes.access); `user` is the author, for the record."""

import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from trainings.services import audit

from .models import (
    Attachment,
    GroupOutput,
    OutcomeReport,
    Question,
    Section,
    SectionVersion,
    SessionNote,
)
from .outputs import MAX_FIELD, fields_of, shape_for
from .rendering import sanitise_html
from .selectors import heads

MAX_QUESTION = 2000
MAX_SECTION = 50_000
MAX_ATTACHMENT = 10 * 1024 * 1024
# Allowed attachment types, recognised by their first bytes, not by the name or the browser.
SIGNATURES = [(b"\xff\xd8\xff", "image/jpeg", ".jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
              (b"%PDF-", "application/pdf", ".pdf")]


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


@transaction.atomic
def answer_question(*, user, question, answer):
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write the answer."})
    question.answer, question.answered_by = answer[:MAX_QUESTION * 2], user
    question.answered_at, question.status = timezone.now(), Question.Status.ANSWERED
    question.save()
    return question


@transaction.atomic
def carry_forward(*, user, question):
    question.status = Question.Status.CARRIED_FORWARD
    question.save(update_fields=["status"])
    return question


def note_for(slot):
    note, _ = SessionNote.objects.get_or_create(slot=slot, defaults={"training": slot.training})
    return note


@transaction.atomic
def save_section(*, user, slot, section, text, base_number, saved_at, change_note=""):
    """Save a section's text as a new version. Saving from an older version than one another
    author saved since is a conflict: both versions stay and the newest is flagged."""
    if section not in Section.values:
        raise ValidationError(f"Unknown section “{section}”.")
    text = text or ""
    if len(text) > MAX_SECTION:
        raise ValidationError(f"A section is at most {MAX_SECTION} characters.")
    note = SessionNote.objects.select_for_update().get(pk=note_for(slot).pk)
    versions = SectionVersion.objects.filter(note=note, section=section)
    head = versions.order_by("-number").first()
    if head is not None and head.text == text and head.number >= base_number:
        return head  # nothing new (an autosave of unchanged text)
    if note.state == SessionNote.State.PUBLISHED and not (change_note or "").strip():
        change_note = "Edited after publication"
    others = versions.filter(number__gt=base_number).exclude(author=user).order_by("-number")
    conflict = others.first()
    version = SectionVersion.objects.create(
        note=note, section=section, number=(head.number if head else 0) + 1, text=text,
        base_number=base_number, author=user, created_at=saved_at,
        conflict_with=conflict.number if conflict else None, change_note=change_note[:300])
    return version


@transaction.atomic
def submit(*, user, note):
    note.state, note.submitted_at, note.submitted_by = (SessionNote.State.SUBMITTED,
                                                        timezone.now(), user)
    note.save()
    return note


@transaction.atomic
def publish(*, user, note):
    note = SessionNote.objects.select_for_update().get(pk=note.pk)
    latest = heads(note)
    conflicted = [v.get_section_display() for v in latest.values() if v.conflict_with]
    if conflicted:
        raise ValidationError("Resolve the conflicting edits first: " + ", ".join(conflicted) + ".")
    SectionVersion.objects.filter(note=note).update(published=False)
    SectionVersion.objects.filter(pk__in=[v.pk for v in latest.values()]).update(published=True)
    note.state, note.published_at, note.published_by = (SessionNote.State.PUBLISHED,
                                                        timezone.now(), user)
    note.save()
    audit.record(training=note.training, actor=user, action="notes published", obj=note,
                 changes={"versions": [None, {k: v.number for k, v in latest.items()}]})
    return note


def _clean_output_data(part, data):
    shape = shape_for(part)
    clean = {}
    for name, label, kind in fields_of(shape):
        value = str(data.get(name, "") or "").strip()
        if len(value) > MAX_FIELD:
            raise ValidationError({name: f"{label}: at most {MAX_FIELD} characters."})
        bad_objective = not value.isdigit() or not 1 <= int(value) <= 23
        if kind == "gcm_objective" and value and bad_objective:
            raise ValidationError({name: f"{label}: choose one of the 23 GCM objectives."})
        clean[name] = value
    return clean


@transaction.atomic
def save_group_output(*, user, training, part, group_number, data, group_name=""):
    if not 1 <= int(group_number) <= 12:
        raise ValidationError({"group_number": "Groups are numbered 1 to 12."})
    output, _ = GroupOutput.objects.select_for_update().get_or_create(
        training=training, part=part, group_number=group_number)
    output.data = _clean_output_data(part, data)
    output.group_name = (group_name or "").strip()[:100]
    output.updated_by = user
    output.save()
    return output


def _sniff(head):
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None, None


@transaction.atomic
def add_attachment(*, user, output, uploaded):
    if uploaded.size > MAX_ATTACHMENT:
        raise ValidationError({"file": f"The file is {uploaded.size / 1_048_576:.1f} MB; the "
                                       f"limit is {MAX_ATTACHMENT // 1_048_576} MB."})
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type, extension = _sniff(head)
    if content_type is None:
        raise ValidationError({"file": "Only photos (JPEG, PNG) and PDF files can be attached."})
    name = os.path.basename(uploaded.name or "attachment")[:200]
    attachment = Attachment(output=output, original_name=name, content_type=content_type,
                            extension=extension, size=uploaded.size, uploaded_by=user)
    attachment.file.save(f"upload{extension}", uploaded, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def save_outcome_summary(*, user, training, summary):
    report, _ = OutcomeReport.objects.get_or_create(training=training)
    report.summary = sanitise_html(summary)
    report.updated_by = user
    report.save()
    return report


