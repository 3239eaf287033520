"""Who may see and who may change the agenda, over HTTP, for every role (DESIGN.md section 4:
everyone with a role on the training views the agenda; staff and facilitators edit it).

Outsiders get 404 (the id leaks nothing), viewers who may not edit get 403 and nothing
changes, editors get 302 and the change is made."""

import datetime

import pytest
from django.urls import reverse

from accounts.times import local, local_date
from scheduling.models import Agenda, AgendaChange, Slot, SlotKind
from tests.html import page_without_tokens
from trainings.models import Training

from .conftest import EDITOR_ROLES, OUTSIDER_ROLES, VIEWER_ROLES

ALL_ROLES = VIEWER_ROLES + OUTSIDER_ROLES
D = datetime.date
PAGES = ["agenda", "mine", "now"]


def first_offline(training):
    return Slot.objects.filter(training=training, kind=SlotKind.OFFLINE).order_by("start").first()


def local_start(slot):
    here = local(slot.start, slot.training.time_zone)
    return here.date(), here.time()


def on_day(training, day):
    return [s for s in Slot.objects.filter(training=training)
            if local_date(s.start, training.time_zone) == day]


def state(training):
    """Everything an edit could change: slots, agenda, undo history, the training's zone."""
    agenda = Agenda.objects.get(training=training)
    training = Training.objects.get(pk=training.pk)
    return (sorted(Slot.objects.filter(training=training).values_list(
                "uid", "start", "end", "sequence", "kind", "title")),
            (agenda.version, agenda.published_at, agenda.max_day_hours, agenda.max_gap_days),
            AgendaChange.objects.filter(training=training).count(), training.time_zone)


# (name, slot-bound, POST data, check of the effect: (world, slot, state before) -> bool)
EDITS = [
    ("move", True, {"day": "2027-03-01", "start_time": "14:00"},
     lambda w, slot, before: local_start(Slot.objects.get(pk=slot.pk))
     == (D(2027, 3, 1), datetime.time(14, 0))),
    ("resize", True, {"minutes": 33, "shift_following": "on"},
     lambda w, slot, before: Slot.objects.get(pk=slot.pk).minutes == 33),
    ("insert", True, {"kind": "break", "minutes": 15, "shift_following": "on"},
     lambda w, slot, before: Slot.objects.filter(training=w.training).count()
     == len(before[0]) + 1),
    ("delete", True, {}, lambda w, slot, before: not Slot.objects.filter(pk=slot.pk).exists()),
    ("move_day", False, {"from_day": "2027-03-02", "to_day": "2027-03-05"},
     lambda w, slot, before: not on_day(w.training, D(2027, 3, 2))
     and len(on_day(w.training, D(2027, 3, 5))) > 0),
    ("move_rest", True, {"day": "2027-03-05", "start_time": "09:00"},
     lambda w, slot, before: local_start(Slot.objects.get(pk=slot.pk))
     == (D(2027, 3, 5), datetime.time(9, 0))),
    ("briefings", False, {},
     lambda w, slot, before: Slot.objects.filter(training=w.training,
                                                 kind=SlotKind.DEBRIEFING).count() == 4),
    ("undo", False, {},
     lambda w, slot, before: AgendaChange.objects.filter(training=w.training).count()
     == before[2] - 1),
    ("layout", False, {"option": "option-2"},
     lambda w, slot, before: not Slot.objects.filter(pk=slot.pk).exists()
     and Slot.objects.filter(training=w.training).count() == 36),
    ("settings", False, {"max_day_hours": 9, "max_gap_days": 5},
     lambda w, slot, before: Agenda.objects.get(training=w.training).max_day_hours == 9),
    ("time_zone", False, {"time_zone": "Europe/London", "policy": "keep_local"},
     lambda w, slot, before: Training.objects.get(pk=w.training.pk).time_zone == "Europe/London"
     and local_start(Slot.objects.get(pk=slot.pk))[1] == local(slot.start, "Africa/Nairobi")
     .time()),
    ("publish", False, {},
     lambda w, slot, before: Agenda.objects.get(training=w.training).published_at is not None),
]


def edit_url(world, name, slot_bound, slot):
    args = [world.training.pk, slot.pk] if slot_bound else [world.training.pk]
    return reverse(f"scheduling:{name}", args=args)


def expected_status(role, allowed, method="post"):
    if role not in VIEWER_ROLES:
        return 404
    if role not in allowed:
        return 403
    return 200 if method == "get" else 302


# --- pages --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_agenda_pages_for_every_role(client, kenya_world, role, page):
    client.force_login(kenya_world.users[role])
    response = client.get(reverse(f"scheduling:{page}", args=[kenya_world.training.pk]))
    assert response.status_code == expected_status(role, VIEWER_ROLES, "get")
    if response.status_code == 404:
        assert b"Kenya" not in response.content
        assert b"Room 4" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", VIEWER_ROLES)
def test_only_editors_get_the_edit_tools(client, kenya_world, role):
    client.force_login(kenya_world.users[role])
    html = client.get(reverse("scheduling:agenda", args=[kenya_world.training.pk])).content
    assert b"Room 4" in html or b"Microsoft Teams" in html
    assert (b"agenda-tools" in html) is (role in EDITOR_ROLES)
    assert (b"slot-editor" in html) is (role in EDITOR_ROLES)


@pytest.mark.django_db
def test_404_is_the_same_as_for_a_missing_id(client, kenya_world):
    client.force_login(kenya_world.users["other_facilitator"])
    pk = kenya_world.training.pk
    existing = client.get(reverse("scheduling:agenda", args=[pk]))
    missing = client.get(reverse("scheduling:agenda", args=[pk + 10_000]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, kenya_world):
    for page in PAGES:
        response = client.get(reverse(f"scheduling:{page}", args=[kenya_world.training.pk]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    slot = first_offline(kenya_world.training)
    response = client.post(reverse("scheduling:delete", args=[kenya_world.training.pk, slot.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Slot.objects.filter(pk=slot.pk).exists()


# --- edits --------------------------------------------------------------------------------


def _edit_params():
    return [pytest.param(role, name, slot_bound, data, check, id=f"{name}-{role}")
            for name, slot_bound, data, check in EDITS for role in ALL_ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "slot_bound", "data", "check"), _edit_params())
def test_edits_for_every_role(client, kenya_world, role, name, slot_bound, data, check):
    slot = first_offline(kenya_world.training)
    before = state(kenya_world.training)
    client.force_login(kenya_world.users[role])
    response = client.post(edit_url(kenya_world, name, slot_bound, slot), data)
    assert response.status_code == expected_status(role, EDITOR_ROLES)
    if response.status_code == 302:
        assert response["Location"].startswith(
            reverse("scheduling:agenda", args=[kenya_world.training.pk]))
        assert check(kenya_world, slot, before), f"{name} by {role} had no effect"
    else:
        assert state(kenya_world.training) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, *_ in EDITS])
def test_edits_need_post(client, kenya_world, name):
    slot_bound = next(bound for n, bound, *_ in EDITS if n == name)
    client.force_login(kenya_world.users["lead_facilitator"])
    before = state(kenya_world.training)
    url = edit_url(kenya_world, name, slot_bound, first_offline(kenya_world.training))
    assert client.get(url).status_code == 405
    assert state(kenya_world.training) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_viewer_may_reset_own_feed(client, kenya_world, role):
    client.force_login(kenya_world.users[role])
    response = client.post(reverse("scheduling:reset_feed", args=[kenya_world.training.pk]),
                           {"scope": "training"})
    assert response.status_code == expected_status(role, VIEWER_ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["move", "resize", "insert", "delete", "move_rest"])
def test_slot_of_another_training_is_404(client, kenya_world, name):
    other_slot = first_offline(kenya_world.other_training)
    before = state(kenya_world.other_training)
    client.force_login(kenya_world.users["lead_facilitator"])
    data = next(d for n, _b, d, _c in EDITS if n == name)
    url = reverse(f"scheduling:{name}", args=[kenya_world.training.pk, other_slot.pk])
    assert client.post(url, data).status_code == 404
    assert state(kenya_world.other_training) == before


# --- a cancelled training -----------------------------------------------------------------


@pytest.fixture
def cancelled(kenya_world):
    Training.objects.filter(pk=kenya_world.training.pk).update(
        status=Training.Status.CANCELLED, cancel_reason="No venue.")
    return kenya_world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "lead_facilitator", "facilitator"])
@pytest.mark.parametrize(("name", "slot_bound", "data"), [e[:3] for e in EDITS])
def test_cancelled_training_refuses_edits(client, cancelled, role, name, slot_bound, data):
    slot = first_offline(cancelled.training)
    before = state(cancelled.training)
    client.force_login(cancelled.users[role])
    response = client.post(edit_url(cancelled, name, slot_bound, slot), data)
    assert response.status_code == 403
    assert state(cancelled.training) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_facilitator", "moderator", "participant"])
def test_cancelled_training_agenda_stays_readable_without_tools(client, cancelled, role):
    client.force_login(cancelled.users[role])
    for page in PAGES:
        response = client.get(reverse(f"scheduling:{page}", args=[cancelled.training.pk]))
        assert response.status_code == 200
    html = client.get(reverse("scheduling:agenda", args=[cancelled.training.pk])).content
    assert b"agenda-tools" not in html
    assert b"slot-editor" not in html
