"""Pages of notes, questions, group outputs, the recap board and the outcome report. Thin:
access through notes.access, reads through notes.selectors, writes through notes.services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from trainings.selectors import visible_trainings

from . import access, selectors, services
from .access import ANSWER, EDIT_SUMMARY, PUBLISH, READ, READ_ALL, VIEW_QUESTIONS, WRITE, WRITE_OUTPUTS
from .forms import ModuleForm, UploadForm
from .models import Section
from .outputs import output_fields, shape_for


def _errors(exc):
    return " ".join(exc.messages)


def notes_index(request, pk):
    training = access.get_training(request, pk, READ)
    published_only = access.published_only(request.user, training)
    return render(request, "notes/index.html", {
        "training": training, "published_only": published_only,
        "rows": selectors.notes_index(training, published_only=published_only)})


def note_page(request, pk, slot_pk):
    note = access.get_note(request, pk, slot_pk, READ)
    training, user = note.training, request.user
    notes_url = reverse("api:notes", args=[training.pk])
    return render(request, "notes/note.html", {
        "training": training, "slot": note.slot, "note": note.note,
        "sections": selectors.note_sections(note.note, published_only=note.published_only),
        "published_only": note.published_only,
        "can_write": user.has_perm(WRITE, training), "can_publish": user.has_perm(PUBLISH, training),
        # The sync endpoint (notes/api.py) is the notes endpoint's /sync; it has no URL name.
        "notes_url": notes_url, "sync_url": f"{notes_url}/sync",
    })


def note_history(request, pk, slot_pk, section):
    note = access.get_note(request, pk, slot_pk, READ_ALL)
    if section not in Section.values or note.note is None:
        raise Http404("No history found.")
    return render(request, "notes/history.html", {
        "training": note.training, "slot": note.slot, "section": Section(section).label,
        "rows": selectors.section_history(note.note, section)})


NOTE_ACTIONS = {
    "submit": (WRITE, services.submit, "Submitted to the facilitators for review."),
    "publish": (PUBLISH, services.publish, "Published: participants now see these notes."),
}


@require_POST
def note_state(request, pk, slot_pk):
    if request.POST.get("action") not in NOTE_ACTIONS:
        raise Http404("Unknown action.")
    perm, change, done = NOTE_ACTIONS[request.POST["action"]]
    note = access.get_note(request, pk, slot_pk, perm)
    try:
        change(user=request.user, note=note.note or services.note_for(note.slot))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return redirect("notes:note", pk, slot_pk)


def questions(request, pk):
    training = access.get_training(request, pk, VIEW_QUESTIONS)
    return render(request, "notes/questions.html", {
        "training": training, "questions": selectors.questions_of(training),
        "can_answer": request.user.has_perm(ANSWER, training)})


def _after_answer(request, training):
    if request.POST.get("next_page") == "recap":
        query = urlencode({"module": request.POST.get("module", "")})
        return f"{reverse('notes:recap', args=[training.pk])}?{query}"
    return reverse("notes:questions", args=[training.pk])


@require_POST
def question_action(request, question_id):
    question = access.get_question(request, question_id, ANSWER)
    try:
        if request.POST.get("action") == "carry":
            services.carry_forward(user=request.user, question=question)
            messages.success(request, "Carried forward to the next module.")
        else:
            services.answer_question(user=request.user, question=question,
                                     answer=request.POST.get("answer"))
            messages.success(request, "Answered.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_after_answer(request, question.training))


def open_questions(request):
    trainings = [t for t in visible_trainings(request.user) if request.user.has_perm(ANSWER, t)]
    return render(request, "notes/open_questions.html",
                  {"questions": selectors.open_questions(trainings)})


def outputs_index(request, pk):
    training = access.get_training(request, pk, READ_ALL)
    return render(request, "notes/outputs.html", {
        "training": training, "rows": selectors.outputs_by_part(training),
        "can_write": request.user.has_perm(WRITE_OUTPUTS, training)})


def _save_output(request, found, group_number):
    """POST of the output form: the fields, or a file. (redirect or None, errors, upload)."""
    if "file" not in request.FILES:
        try:
            services.save_group_output(user=request.user, training=found.training, part=found.part,
                                       group_number=group_number, data=request.POST,
                                       group_name=request.POST.get("group_name", ""))
        except ValidationError as exc:
            return None, exc.message_dict, UploadForm()
        messages.success(request, "Output saved.")
        return redirect(request.path), {}, None
    upload = UploadForm(request.POST, request.FILES)
    if found.output is None:
        upload.add_error("file", "Save the group's output first.")
    elif upload.is_valid():
        try:
            services.add_attachment(user=request.user, output=found.output,
                                    uploaded=upload.cleaned_data["file"])
        except ValidationError as exc:
            upload.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            messages.success(request, "Attached.")
            return redirect(request.path), {}, None
    return None, {}, upload


def output_form(request, pk, part_pk, group_number):
    perm = WRITE_OUTPUTS if request.method == "POST" else READ_ALL
    found = access.get_group_output(request, pk, part_pk, group_number, perm)
    errors, upload = {}, UploadForm()
    if request.method == "POST":
        done, errors, upload = _save_output(request, found, group_number)
        if done is not None:
            return done
    output = found.output
    data = request.POST if errors else (output.data if output else {})
    shape = shape_for(found.part)
    return render(request, "notes/output_form.html", {
        "training": found.training, "part": found.part, "group_number": group_number,
        "output": output, "shape": shape, "fields": output_fields(shape, data, errors),
        "can_write": request.user.has_perm(WRITE_OUTPUTS, found.training), "upload": upload,
        "objectives": selectors.gcm_objectives(),
        "group_name": data.get("group_name", output.group_name if output else "")})


def attachment(request, attachment_id):
    item = access.get_attachment(request, attachment_id, READ)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type,
                            as_attachment=True, filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def recap(request, pk):
    training = access.get_training(request, pk, READ_ALL)
    modules = selectors.recap_modules(training)
    module = ModuleForm(request.GET).module_or(modules[0] if modules else 1)
    data = selectors.recap(training, module)
    return render(request, "notes/recap.html", {
        "training": training, "module": module, "modules": modules, "slots": data["slots"],
        "outputs": data["outputs"], "questions": data["questions"],
        "can_answer": request.user.has_perm(ANSWER, training)})


def outcome(request, pk):
    if request.method == "POST":
        training = access.get_training(request, pk, EDIT_SUMMARY)
        services.save_outcome_summary(user=request.user, training=training,
                                      summary=request.POST.get("summary", ""))
        messages.success(request, "Summary saved.")
        return redirect("notes:outcome", pk)
    training = access.get_training(request, pk, READ)
    return render(request, "notes/outcome.html", {
        "training": training, "can_edit": request.user.has_perm(EDIT_SUMMARY, training),
        **selectors.outcome_report(training)})
