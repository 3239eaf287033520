import difflib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities.models import ActivityPart
from curriculum.models import GcmObjective
from scheduling.models import Slot
from trainings.selectors import visible_trainings
from trainings.views.access import get_training

from . import selectors, services
from .models import Attachment, GroupOutput, OutcomeReport, Question, Section, SessionNote
from .outputs import fields_of, shape_for
from .rendering import to_html


def _require(request, perm, training, message="Your role does not allow this."):
    if not request.user.has_perm(perm, training):
        raise PermissionDenied(message)


def _readers(request, training):
    if request.user.has_perm("notes.read_all_notes", training):
        return False
    if request.user.has_perm("notes.read_published_notes", training):
        return True
    raise PermissionDenied("Notes are not visible to your role.")


def notes_index(request, pk):
    training = get_training(request, pk)
    published_only = _readers(request, training)
    notes = {n.slot_id: n for n in SessionNote.objects.filter(training=training)}
    slots = selectors.slots_for_notes(training)
    if published_only:
        slots = [s for s in slots if s.pk in notes and notes[s.pk].published_at]
    return render(request, "notes/index.html", {
        "training": training, "rows": [(s, notes.get(s.pk)) for s in slots],
        "published_only": published_only})


def note_page(request, pk, slot_pk):
    training = get_training(request, pk)
    published_only = _readers(request, training)
    slot = get_object_or_404(Slot, pk=slot_pk, training=training)
    note = SessionNote.objects.filter(slot=slot).first()
    if published_only and (note is None or note.published_at is None):
        raise Http404("No published notes for this item.")
    versions = list(note.versions.select_related("author").all()) if note else []
    if published_only:
        versions = [v for v in versions if v.published]
    latest = {}
    for v in versions:
        if v.section not in latest or v.number > latest[v.section].number:
            latest[v.section] = v
    sections = [(key, label, latest.get(key), to_html(latest[key].text) if key in latest else "")
                for key, label in Section.choices]
    can_write = request.user.has_perm("notes.write_notes", training)
    return render(request, "notes/note.html", {
        "training": training, "slot": slot, "note": note, "sections": sections,
        "published_only": published_only, "can_write": can_write,
        "can_publish": request.user.has_perm("notes.publish_notes", training),
        "sync_url": f"/api/v1/trainings/{training.pk}/notes/sync",
        "notes_url": f"/api/v1/trainings/{training.pk}/notes",
    })


def note_history(request, pk, slot_pk, section):
    training = get_training(request, pk)
    if _readers(request, training):
        raise PermissionDenied("The history of notes is for the team.")
    slot = get_object_or_404(Slot, pk=slot_pk, training=training)
    if section not in Section.values:
        raise Http404("Unknown section.")
    note = get_object_or_404(SessionNote, slot=slot)
    versions = list(note.versions.filter(section=section).select_related("author").order_by("number"))
    rows, previous = [], ""
    for version in versions:
        diff = list(difflib.ndiff(previous.splitlines(), version.text.splitlines()))
        rows.append((version, [(line[:1], line[2:]) for line in diff if line[:1] in "+- "]))
        previous = version.text
    rows.reverse()
    return render(request, "notes/history.html", {
        "training": training, "slot": slot, "section": Section(section).label, "rows": rows})


@require_POST
def note_state(request, pk, slot_pk):
    training = get_training(request, pk)
    slot = get_object_or_404(Slot, pk=slot_pk, training=training)
    note = services.note_for(slot)
    action = request.POST.get("action")
    try:
        if action == "submit":
            _require(request, "notes.write_notes", training)
            services.submit(user=request.user, note=note)
            messages.success(request, "Submitted to the facilitators for review.")
        elif action == "publish":
            _require(request, "notes.publish_notes", training)
            services.publish(user=request.user, note=note)
            messages.success(request, "Published: participants now see these notes.")
        else:
            raise Http404("Unknown action.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("notes:note", pk, slot_pk)


def questions(request, pk):
    training = get_training(request, pk)
    _require(request, "notes.view_questions", training,
             "Questions are for the facilitators, the moderator and the rapporteurs.")
    rows = (Question.objects.filter(training=training)
            .select_related("slot", "asked_by", "captured_by", "answered_by")
            .order_by("-captured_at"))
    return render(request, "notes/questions.html", {
        "training": training, "questions": rows,
        "can_answer": request.user.has_perm("notes.answer_questions", training)})


@require_POST
def question_action(request, question_id):
    question = get_object_or_404(Question.objects.select_related("training"), pk=question_id)
    training = question.training
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No question found.")
    _require(request, "notes.answer_questions", training, "Facilitators answer the questions.")
    try:
        if request.POST.get("action") == "carry":
            services.carry_forward(user=request.user, question=question)
            messages.success(request, "Carried forward to the next module.")
        else:
            services.answer_question(user=request.user, question=question,
                                     answer=request.POST.get("answer"))
            messages.success(request, "Answered.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(request.POST.get("next_page") == "recap"
                    and f"/trainings/{training.pk}/recap/?module={request.POST.get('module', '')}"
                    or f"/trainings/{training.pk}/questions/")


def open_questions(request):
    trainings = [t for t in visible_trainings(request.user)
                 if request.user.has_perm("notes.answer_questions", t)]
    rows = Question.objects.filter(training__in=trainings).filter(
        Q(status=Question.Status.OPEN) | Q(status=Question.Status.CARRIED_FORWARD)
    ).select_related("training", "slot").order_by("captured_at")
    return render(request, "notes/open_questions.html", {"questions": rows})


def outputs_index(request, pk):
    training = get_training(request, pk)
    published_only = _readers(request, training)
    if published_only:
        raise PermissionDenied("Group outputs are for the team; participants see them in the "
                               "outcome report.")
    parts = list(ActivityPart.objects.filter(activity__curriculum=training.curriculum)
                 .exclude(expected_output="").select_related("activity", "module")
                 .order_by("activity__number", "position"))
    outputs = {}
    for output in GroupOutput.objects.filter(training=training).prefetch_related("attachments"):
        outputs.setdefault(output.part_id, []).append(output)
    return render(request, "notes/outputs.html", {
        "training": training, "rows": [(p, outputs.get(p.pk, [])) for p in parts],
        "can_write": request.user.has_perm("notes.write_outputs", training)})


class UploadForm(forms.Form):
    file = forms.FileField(label="Photo or PDF (flip chart, notes)",
                           help_text="JPEG, PNG or PDF, at most 10 MB.")


def output_form(request, pk, part_pk, group_number):
    training = get_training(request, pk)
    if _readers(request, training):
        raise PermissionDenied("Group outputs are for the team.")
    part = get_object_or_404(ActivityPart.objects.select_related("activity"), pk=part_pk,
                             activity__curriculum=training.curriculum)
    output = GroupOutput.objects.filter(training=training, part=part,
                                        group_number=group_number).first()
    can_write = request.user.has_perm("notes.write_outputs", training)
    shape = shape_for(part)
    errors = {}
    upload = UploadForm()
    if request.method == "POST":
        _require(request, "notes.write_outputs", training, "Group outputs are written by the "
                                                          "rapporteurs.")
        if "file" in request.FILES:
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid() and output is not None:
                try:
                    services.add_attachment(user=request.user, output=output,
                                            uploaded=upload.cleaned_data["file"])
                except ValidationError as exc:
                    upload.add_error("file", exc.message_dict.get("file", exc.messages))
                else:
                    messages.success(request, "Attached.")
                    return redirect(request.path)
            elif output is None:
                upload.add_error("file", "Save the group's output first.")
        else:
            try:
                services.save_group_output(user=request.user, training=training, part=part,
                                           group_number=group_number, data=request.POST,
                                           group_name=request.POST.get("group_name", ""))
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, "Output saved.")
                return redirect(request.path)
    data = request.POST if request.method == "POST" and errors else (output.data if output else {})
    fields = [(name, label, kind, data.get(name, ""), errors.get(name, []))
              for name, label, kind in fields_of(shape)]
    return render(request, "notes/output_form.html", {
        "training": training, "part": part, "group_number": group_number, "output": output,
        "shape": shape, "fields": fields, "can_write": can_write, "upload": upload,
        "objectives": GcmObjective.objects.all(),
        "group_name": data.get("group_name", output.group_name if output else "")})


def attachment(request, attachment_id):
    item = get_object_or_404(Attachment.objects.select_related("output__training"),
                             pk=attachment_id)
    training = item.output.training
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No attachment found.")
    if not request.user.has_perm("notes.read_published_notes", training):
        raise PermissionDenied
    response = FileResponse(item.file.open("rb"), content_type=item.content_type,
                            as_attachment=True, filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def recap(request, pk):
    training = get_training(request, pk)
    if _readers(request, training):
        raise PermissionDenied("The recap board is for the team.")
    modules = sorted({s.module.number for s in selectors.slots_for_notes(training) if s.module})
    try:
        module = int(request.GET.get("module") or (modules[0] if modules else 1))
    except ValueError:
        module = modules[0] if modules else 1
    data = selectors.recap(training, module)
    slots = [(slot, [(key, label, heads.get(key), to_html(heads[key].text) if key in heads else "")
                     for key, label in Section.choices]) for slot, heads in data["slots"]]
    return render(request, "notes/recap.html", {
        "training": training, "module": module, "modules": modules, "slots": slots,
        "outputs": data["outputs"], "questions": data["questions"],
        "can_answer": request.user.has_perm("notes.answer_questions", training)})


def outcome(request, pk):
    training = get_training(request, pk)
    _readers(request, training)
    report = OutcomeReport.objects.filter(training=training).first()
    can_edit = request.user.has_perm("notes.edit_outcome_summary", training)
    if request.method == "POST":
        _require(request, "notes.edit_outcome_summary", training, "Facilitators write the summary.")
        services.save_outcome_summary(user=request.user, training=training,
                                      summary=request.POST.get("summary", ""))
        messages.success(request, "Summary saved.")
        return redirect("notes:outcome", pk)
    notes = selectors.notes_of(training, published_only=True)
    rendered = [(note, [(label, to_html(v.text)) for key, label in Section.choices
                        for v in note.versions.all() if v.section == key]) for note in notes]
    outputs = list(GroupOutput.objects.filter(training=training)
                   .select_related("part__activity").order_by("part__activity__number",
                                                             "part__position", "group_number"))
    output_rows = [(o, [(label, o.data.get(name, "")) for name, label, _k in
                        fields_of(shape_for(o.part)) if o.data.get(name)]) for o in outputs]
    from django.utils.safestring import mark_safe

    from .outcome import extra_sections

    return render(request, "notes/outcome.html", {
        "training": training, "report": report, "summary": mark_safe(report.summary)  # noqa: S308
        if report else "", "notes": rendered, "outputs": output_rows, "can_edit": can_edit,
        "extra_sections": extra_sections(training)})
