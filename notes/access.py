"""Who may see and do what with notes, questions, group outputs and their attachments: one
helper per kind of object, used by the pages and the API alike (trainings.views.access).

Each answers 404 when the object does not exist or its training is not visible to the user
(the same answer, so ids leak nothing) and 403 with a reason when the user may see it but
not do what is asked. Services do not check permissions; these helpers and notes.rules do."""

from typing import NamedTuple

from django.http import Http404

from activities.models import ActivityPart
from scheduling.models import Slot
from trainings.models import Training
from trainings.views.access import get_visible

from .models import Attachment, GroupOutput, Question, SessionNote

READ = "notes.read_published_notes"
READ_ALL = "notes.read_all_notes"
WRITE = "notes.write_notes"
PUBLISH = "notes.publish_notes"
VIEW_QUESTIONS = "notes.view_questions"
ANSWER = "notes.answer_questions"
WRITE_OUTPUTS = "notes.write_outputs"
EDIT_SUMMARY = "notes.edit_outcome_summary"

REASONS = {
    READ: "Notes are not visible to your role.",
    READ_ALL: "Notes in the making, their history, group outputs and the recap board are for "
              "the team; participants see the published notes and the outcome report.",
    WRITE: "Notes are written by the rapporteurs.",
    PUBLISH: "Facilitators publish the notes.",
    VIEW_QUESTIONS: "Questions are for the facilitators, the moderator and the rapporteurs.",
    ANSWER: "Facilitators answer the questions.",
    WRITE_OUTPUTS: "Group outputs are written by the rapporteurs.",
    EDIT_SUMMARY: "Facilitators write the summary.",
}


def get_training(request, pk, perm=READ):
    """The training, if visible, for an action on its notes (`perm`, a notes.* permission;
    None: seeing the training is enough)."""
    return get_visible(request, Training.objects.select_related("curriculum"), perm,
                       reason=REASONS.get(perm, ""), pk=pk)


def published_only(user, training):
    """True for a reader who sees only published notes (RCO admins, participants)."""
    return not user.has_perm(READ_ALL, training)


class NoteAccess(NamedTuple):
    training: Training
    slot: Slot
    note: SessionNote | None
    published_only: bool


def get_note(request, pk, slot_pk, perm=READ):
    """The notes of one agenda slot of training `pk`, for `perm`. A slot of another training
    is a missing one; a reader of published notes asking for notes not published gets the
    same 404 as for notes that do not exist."""
    slot = get_visible(request, Slot.objects.select_related("training__curriculum", "module"),
                       perm, reason=REASONS[perm], pk=slot_pk, training_id=pk)
    training = slot.training
    note = SessionNote.objects.filter(slot=slot).first()
    only = published_only(request.user, training)
    if only and (note is None or note.published_at is None):
        raise Http404("No slot found.")
    return NoteAccess(training, slot, note, only)


def get_question(request, question_id, perm=ANSWER):
    return get_visible(request, Question.objects.select_related("training"), perm,
                       reason=REASONS[perm], pk=question_id)


def get_attachment(request, attachment_id, perm=READ):
    return get_visible(request, Attachment.objects.select_related("output__training"), perm,
                       reason=REASONS[perm], training_of=lambda a: a.output.training,
                       pk=attachment_id)


class OutputAccess(NamedTuple):
    training: Training
    part: ActivityPart
    output: GroupOutput | None


def get_group_output(request, pk, part_pk, group_number, perm=READ_ALL):
    """Group `group_number`'s output for an activity part of the training's curriculum (None
    while nobody has written it). A part of another curriculum is a missing one."""
    training = get_training(request, pk, perm)
    part = (ActivityPart.objects.select_related("activity")
            .filter(pk=part_pk, activity__curriculum=training.curriculum).first())
    if part is None:
        raise Http404("No activity part found.")
    output = (GroupOutput.objects.filter(training=training, part=part, group_number=group_number)
              .prefetch_related("attachments").first())
    return OutputAccess(training, part, output)
