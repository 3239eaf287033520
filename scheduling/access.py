"""Who may see and change the agenda, its slots and the checklist, for the pages and the API
alike (trainings.views.access): 404 when the object does not exist or its training is not
visible to the user (the same answer, so ids leak nothing); 403 with a reason when the user
may see it but not do what is asked (scheduling.rules). Services do not check permissions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trainings.models import Training
from trainings.views.access import ROLE_DOES_NOT_ALLOW, get_visible

from .models import CalendarFeed, ChecklistItem, Slot

VIEW = "trainings.view_training"
EDIT = "scheduling.edit_agenda"
VIEW_CHECKLIST = "scheduling.view_checklist"
CHANGE_ITEM = "scheduling.change_checklist_item"
CANCELLED = "A cancelled training's agenda cannot change."
REASONS = {VIEW: ROLE_DOES_NOT_ALLOW, VIEW_CHECKLIST: "The checklist is for the training's team.",
           CHANGE_ITEM: "This checklist item is another role's."}


def _require_edit(user, training):
    if not user.has_perm(EDIT, training):
        editor = user.has_perm("trainings.change_training", training)
        raise PermissionDenied(CANCELLED if editor and training.is_cancelled
                               else ROLE_DOES_NOT_ALLOW)


def get_training(request, pk, perm=VIEW):
    """The training for a page or endpoint of its agenda or checklist. With perm=EDIT: its
    agenda may be changed by this user (staff and facilitators, unless cancelled)."""
    training = get_visible(request, Training.objects.select_related("curriculum"),
                           None if perm == EDIT else perm, reason=REASONS.get(perm, ""), pk=pk)
    if perm == EDIT:
        _require_edit(request.user, training)
    return training


def get_slot(request, pk, slot_pk, perm=EDIT):
    """A slot of training `pk` (a slot of another training is a missing one)."""
    slot = get_visible(request, Slot.objects.select_related("training", "module"),
                       None if perm == EDIT else perm, reason=REASONS.get(perm, ""),
                       pk=slot_pk, training_id=pk)
    if perm == EDIT:
        _require_edit(request.user, slot.training)
    return slot


def get_checklist_item(request, pk, item_pk, perm=CHANGE_ITEM):
    """A checklist line of training `pk` that the user may change (their role's own, or
    any for staff and facilitators)."""
    return get_visible(request, ChecklistItem.objects.select_related("training"), perm,
                       reason=REASONS[perm], pk=item_pk, training_id=pk)


def get_feed(token):
    """A calendar link (no login: the token is the key). Unknown, revoked, of an inactive
    user, or of a training its user no longer sees: the same 404."""
    feed = (CalendarFeed.objects.select_related("user", "training")
            .filter(token=token, revoked_at=None).first())
    if feed is None or not feed.user.is_active or (
            feed.training is not None
            and not feed.user.has_perm("trainings.view_training", feed.training)):
        raise Http404("Unknown calendar link.")
    return feed
