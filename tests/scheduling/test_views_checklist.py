"""Checklists over HTTP (DESIGN.md section 4: checklist items – staff and facilitators
all; tech support, moderator, rapporteur and RCO admin their own; participants none). The
outbox that replaced the reminder log is tested in tests/trainings/test_views_outbox.py.

The Kenyan world (one user per role, a Ugandan training with its own facilitator) is built
once per module with the checklist template imported and `follow_up` run, so both trainings
have their checklist and planned reminders; every test runs in a savepoint on top of it."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from notifications.models import Message
from scheduling.models import ChecklistItem
from scheduling.receivers import follow_up
from tests.html import page_without_tokens
from trainings.models import AuditEntry, Membership, Role
from trainings.services.training import update_training

from .conftest import OUTSIDER_ROLES, VIEWER_ROLES, KenyaWorld, add_member, make_training

CHECKLIST_FILE = Path(settings.BASE_DIR) / "fixtures" / "checklists" / "remote-unct-training.yaml"
ALL_ROLES = VIEWER_ROLES + OUTSIDER_ROLES
UTC = datetime.UTC
D = datetime.date
# When the world is built and the cross-training page is looked at: well before the
# training (1 March 2027), so every reminder is still ahead and nothing is due yet.
BUILT_AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# Who may change which checklist item: staff and facilitators any; these roles their own.
CHANGE_ANY = {"staff", "lead_facilitator", "facilitator"}
CHANGE_OWN = {"tech_support", "moderator", "rapporteur", "liaison", "rco_admin"}
MODERATOR_ITEM_KEY = "test-moderator-room-check"


def may_change(role, owner):
    return role in CHANGE_ANY or (role in CHANGE_OWN and role == owner)


@pytest.fixture(scope="module")
def world(curriculum_once, django_db_blocker):
    """The Kenyan world with checklists and reminders. The template has no item owned by the
    moderator, so one is added by hand (with a note, so re-planning keeps it)."""
    from curriculum.importer import import_file

    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(BUILT_AT, tick=False):
            import_file(CHECKLIST_FILE)
            w = KenyaWorld(curriculum_once)
            for training in (w.training, w.other_training):
                follow_up(None, training=training, reasons=frozenset({"training", "agenda"}))
            ChecklistItem.objects.create(
                training=w.training, key=MODERATOR_ITEM_KEY, position=999, owner="moderator",
                title="Check the room set-up with the moderator", note="Added by hand",
                due_at=datetime.datetime(2027, 2, 22, 14, 0, tzinfo=UTC))
        yield w
        transaction.set_rollback(True)


def login(client, world, role):
    client.force_login(world.users[role])
    return world.users[role]


def checklist_url(training):
    return reverse("scheduling:checklist", args=[training.pk])


def item_url(item):
    return reverse("scheduling:checklist_item", args=[item.training_id, item.pk])


def items_of(training):
    return list(ChecklistItem.objects.filter(training=training))


def one_item_per_owner(training):
    """{owner role: the first item that role owns} on the training."""
    items = {}
    for item in ChecklistItem.objects.filter(training=training).order_by("position", "key"):
        items.setdefault(item.owner, item)
    return items


def item_state(item):
    item = ChecklistItem.objects.get(pk=item.pk)
    return (item.status, item.status_by_id, item.status_at, item.note, item.evidence_link,
            item.due_at, item.due_set_by_hand)


def progress(html):
    match = re.search(r'id="checklist-progress">(\d+) of (\d+) done or not applicable', html)
    assert match, "no progress line on the page"
    return int(match[1]), int(match[2])


def selected_status(html, item):
    select = re.search(rf'<select[^>]*id="status-{item.pk}">(.*?)</select>', html, re.S)
    assert select, f"no status select for item {item.pk}"
    chosen = re.findall(r'<option value="(\w+)" selected>', select[1])
    assert len(chosen) == 1
    return chosen[0]


# --- the checklist page -------------------------------------------------------------------


@pytest.mark.django_db
def test_world_has_a_checklist_with_every_owner(world):
    owners = set(one_item_per_owner(world.training))
    assert {"lead_facilitator", "facilitator", "tech_support", "moderator", "rapporteur",
            "liaison", "rco_admin"} <= owners
    assert ChecklistItem.objects.filter(training=world.other_training).exists()
    assert Message.objects.filter(training=world.training).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_checklist_page_for_every_role(client, world, role):
    login(client, world, role)
    response = client.get(checklist_url(world.training))
    if role in OUTSIDER_ROLES:
        assert response.status_code == 404
        assert b"Reach out to the UNCT" not in response.content
        return
    if role == "participant":
        assert response.status_code == 403
        # ... although the participant may see the training itself.
        agenda = client.get(reverse("scheduling:agenda", args=[world.training.pk]))
        assert agenda.status_code == 200
        return
    assert response.status_code == 200
    html = response.content.decode()
    items = items_of(world.training)
    assert progress(html) == (0, len(items))
    for item in items:
        assert escape(item.title) in html, item.title
        # The change forms are there exactly for the items this role may change.
        has_form = f'action="{item_url(item)}"' in html
        assert has_form is may_change(role, item.owner), (role, item.owner, item.title)


@pytest.mark.django_db
def test_checklist_of_another_training_is_404_like_a_missing_one(client, world):
    login(client, world, "other_facilitator")
    existing = client.get(checklist_url(world.training))
    missing = client.get(reverse("scheduling:checklist", args=[world.training.pk + 10_000]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, world):
    item = items_of(world.training)[0]
    before = item_state(item)
    for url in (checklist_url(world.training), reverse("scheduling:my_checklists")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]
    response = client.post(item_url(item), {"status": "done"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert item_state(item) == before


# --- changing items -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_changing_items_for_every_role(client, world, role):
    user = login(client, world, role)
    for owner, item in one_item_per_owner(world.training).items():
        before = item_state(item)
        response = client.post(item_url(item), {"status": "done", "note": f"by {role}"})
        if role in OUTSIDER_ROLES:
            expected = 404
        elif may_change(role, owner):
            expected = 302
        else:
            expected = 403
        assert response.status_code == expected, (role, owner)
        if expected == 302:
            assert response["Location"] == f"{checklist_url(world.training)}#item-{item.pk}"
            item.refresh_from_db()
            assert (item.status, item.note, item.status_by) == ("done", f"by {role}", user)
        else:
            assert item_state(item) == before, (role, owner)


@pytest.mark.django_db
def test_item_of_another_training_is_404(client, world):
    other = items_of(world.other_training)[0]
    before = item_state(other)
    login(client, world, "lead_facilitator")
    url = reverse("scheduling:checklist_item", args=[world.training.pk, other.pk])
    assert client.post(url, {"status": "done"}).status_code == 404
    assert item_state(other) == before


@pytest.mark.django_db
def test_changing_an_item_needs_post(client, world):
    item = items_of(world.training)[0]
    login(client, world, "lead_facilitator")
    assert client.get(item_url(item)).status_code == 405


@pytest.mark.django_db
def test_a_change_is_recorded_audited_and_counted(client, world):
    user = login(client, world, "facilitator")
    item = one_item_per_owner(world.training)["tech_support"]
    total = len(items_of(world.training))
    assert progress(client.get(checklist_url(world.training)).content.decode()) == (0, total)
    response = client.post(item_url(item), {"status": "done", "note": "Tested with all three",
                                            "evidence_link": "https://example.org/test-run"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ChecklistItem.Status.DONE
    assert item.status_by == user
    assert abs(item.status_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert item.note == "Tested with all three"
    assert item.evidence_link == "https://example.org/test-run"
    entry = AuditEntry.objects.get(training=world.training, action="checklist item updated",
                                   object_id=item.pk)
    assert entry.actor == user
    assert entry.changes["status"] == ["todo", "done"]
    page = client.get(checklist_url(world.training)).content.decode()
    assert progress(page) == (1, total)
    assert "https://example.org/test-run" in page
    # "Not applicable" counts too.
    other = one_item_per_owner(world.training)["liaison"]
    client.post(item_url(other), {"status": "na"})
    assert progress(client.get(checklist_url(world.training)).content.decode()) == (2, total)


@pytest.mark.django_db
def test_htmx_change_returns_the_checklist_with_the_new_status(client, world):
    login(client, world, "tech_support")
    item = one_item_per_owner(world.training)["tech_support"]
    response = client.post(item_url(item), {"status": "in_progress"},
                           headers={"HX-Request": "true"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="checklist"' in html
    assert selected_status(html, item) == "in_progress"
    assert escape(f"Saved: {item.title}.") in html
    assert ChecklistItem.objects.get(pk=item.pk).status == "in_progress"


@pytest.mark.django_db
def test_invalid_evidence_link_shows_an_error_and_changes_nothing(client, world):
    login(client, world, "lead_facilitator")
    item = one_item_per_owner(world.training)["facilitator"]
    before = item_state(item)
    response = client.post(item_url(item), {"status": "done", "note": "x",
                                            "evidence_link": "not a url"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid URL." in html
    assert "alert-danger" in html
    assert item_state(item) == before
    assert not AuditEntry.objects.filter(action="checklist item updated",
                                         object_id=item.pk).exists()
    assert progress(html)[0] == 0


@pytest.mark.django_db
def test_unknown_status_is_refused(client, world):
    login(client, world, "lead_facilitator")
    item = one_item_per_owner(world.training)["facilitator"]
    before = item_state(item)
    response = client.post(item_url(item), {"status": "finished"}, follow=True)
    assert "Choose to do, in progress, done or not applicable." in response.content.decode()
    assert item_state(item) == before


@pytest.mark.django_db
def test_due_date_by_hand_stays_when_the_training_moves(client, world,
                                                       django_capture_on_commit_callbacks):
    login(client, world, "lead_facilitator")
    training = world.training
    item = ChecklistItem.objects.get(training=training, key="reach-out-unct")
    rule_due = item.due_at
    # 60 days before 1 March 2027, at 17:00 in Nairobi
    assert rule_due == datetime.datetime(2026, 12, 31, 14, 0, tzinfo=UTC)

    response = client.post(item_url(item), {"due": "2027-01-10"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_set_by_hand is True
    assert item.due_at == datetime.datetime(2027, 1, 10, 14, 0, tzinfo=UTC)
    assert AuditEntry.objects.filter(action="checklist due date changed",
                                     object_id=item.pk).exists()
    page = client.get(checklist_url(training)).content.decode()
    assert re.search(rf'id="item-{item.pk}".*?by hand', page, re.S)

    others = {i.pk: i.due_at for i in ChecklistItem.objects.filter(
        training=training, template__isnull=False).exclude(pk=item.pk)}
    assert others
    # The checklist follows the training once its change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        update_training(actor=world.users["staff"], training=training,
                        data={"start_date": D(2027, 3, 15), "end_date": D(2027, 3, 18)})
    two_weeks = datetime.timedelta(days=14)
    for other in ChecklistItem.objects.filter(pk__in=others):
        assert other.due_at == others[other.pk] + two_weeks, other.key
    item.refresh_from_db()
    assert item.due_set_by_hand is True
    assert item.due_at == datetime.datetime(2027, 1, 10, 14, 0, tzinfo=UTC)

    # An empty due date gives the item back to the rule (now two weeks later).
    response = client.post(item_url(item), {"due": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_set_by_hand is False
    assert item.due_at == rule_due + two_weeks


def due_input(html, item):
    match = re.search(rf'id="due-{item.pk}" value="([\d-]*)"', html)
    assert match, f"no due date field for item {item.pk}"
    return match[1]


@pytest.mark.django_db
def test_due_date_field_shows_the_training_day(client, world):
    login(client, world, "lead_facilitator")  # a Nairobi user, like the training
    item = ChecklistItem.objects.get(training=world.training, key="reach-out-unct")
    html = client.get(checklist_url(world.training)).content.decode()
    assert due_input(html, item) == "2026-12-31"
    # Saving the date as shown leaves the deadline where it was.
    client.post(item_url(item), {"due": due_input(html, item)})
    assert ChecklistItem.objects.get(pk=item.pk).due_at == item.due_at


@pytest.mark.django_db
def test_due_date_field_is_in_the_training_zone_for_a_far_away_viewer(client, world):
    user = add_member(world.training, Role.FACILITATOR, time_zone="Pacific/Auckland")
    client.force_login(user)
    item = ChecklistItem.objects.get(training=world.training, key="reach-out-unct")
    html = client.get(checklist_url(world.training)).content.decode()
    assert due_input(html, item) == "2026-12-31"  # 31 Dec 17:00 in Nairobi is 1 Jan in Auckland


@pytest.mark.django_db
def test_bad_due_date_shows_an_error(client, world):
    login(client, world, "lead_facilitator")
    item = ChecklistItem.objects.get(training=world.training, key="reach-out-unct")
    before = item_state(item)
    response = client.post(item_url(item), {"due": "10/01/2027"}, follow=True)
    assert "Give the due date as YYYY-MM-DD." in response.content.decode()
    assert item_state(item) == before


@pytest.mark.django_db
def test_owner_may_set_due_date_of_own_item_only(client, world):
    login(client, world, "rapporteur")
    items = one_item_per_owner(world.training)
    own, other = items["rapporteur"], items["lead_facilitator"]
    before = item_state(other)
    assert client.post(item_url(own), {"due": "2027-03-08"}).status_code == 302
    assert ChecklistItem.objects.get(pk=own.pk).due_set_by_hand is True
    assert client.post(item_url(other), {"due": "2027-03-08"}).status_code == 403
    assert item_state(other) == before


# --- across trainings ---------------------------------------------------------------------


def _section(html, heading_id, end_marker=None):
    start = html.index(f'id="{heading_id}"')
    end = html.index(end_marker, start) if end_marker else len(html)
    return html[start:end]


@pytest.mark.django_db
def test_my_checklists_lists_overdue_and_this_week(client, world):
    with time_machine.travel(BUILT_AT, tick=False):
        now = timezone.now()
        user = world.users["facilitator"]
        Membership.objects.create(training=world.other_training, user=user,
                                  role=Role.FACILITATOR)
        ghana = make_training(world.curriculum, title="Ghana", country="GH", city="Accra",
                              time_zone="Africa/Accra")
        Membership.objects.create(training=ghana, user=user, role=Role.RAPPORTEUR)
        add_member(ghana, Role.LEAD_FACILITATOR)
        follow_up(None, training=ghana, reasons=frozenset({"training", "agenda"}))
        kenya, uganda = one_item_per_owner(world.training), one_item_per_owner(world.other_training)
        ghana_items = one_item_per_owner(ghana)

        def due(item, days, status="todo"):
            ChecklistItem.objects.filter(pk=item.pk).update(
                due_at=now + datetime.timedelta(days=days), status=status)
            return item.pk

        overdue = [due(kenya["lead_facilitator"], -2), due(uganda["tech_support"], -5)]
        this_week = [due(kenya["facilitator"], 3),
                     due(uganda["liaison"], 6, status="in_progress")]
        hidden = [due(kenya["tech_support"], -1, status="done"),
                  due(kenya["liaison"], 1, status="na"),
                  due(kenya["rapporteur"], 10),
                  due(ghana_items["rapporteur"], -1),  # not a training they facilitate
                  due(ghana_items["lead_facilitator"], 2)]
        client.force_login(user)
        response = client.get(reverse("scheduling:my_checklists"))
    assert response.status_code == 200
    html = response.content.decode()
    overdue_html = _section(html, "overdue-heading", 'id="week-heading"')
    week_html = _section(html, "week-heading")
    for pk in overdue:
        assert f'#item-{pk}"' in overdue_html and f'#item-{pk}"' not in week_html
    for pk in this_week:
        assert f'#item-{pk}"' in week_html and f'#item-{pk}"' not in overdue_html
    for pk in hidden:
        assert f'#item-{pk}"' not in html
    assert 'Overdue <span class="badge text-bg-danger">2</span>' in html
    assert 'Due this week <span class="badge text-bg-warning">2</span>' in html
    assert "Ghana" not in html
    assert "2 trainings" in html


@pytest.mark.django_db
def test_my_checklists_is_empty_for_a_participant(client, world):
    login(client, world, "participant")
    with time_machine.travel(BUILT_AT, tick=False):
        ChecklistItem.objects.filter(training=world.training).update(
            due_at=timezone.now() - datetime.timedelta(days=1))
        response = client.get(reverse("scheduling:my_checklists"))
    assert response.status_code == 200
    assert b"Nothing overdue." in response.content
    assert b"#item-" not in response.content


@pytest.mark.django_db
def test_an_item_outsiders_may_not_see_is_404_like_a_missing_one(client, world):
    item = items_of(world.training)[0]
    before = item_state(item)
    login(client, world, "other_facilitator")
    existing = client.post(item_url(item), {"status": "done"})
    missing = client.post(reverse("scheduling:checklist_item",
                                  args=[world.training.pk, item.pk + 10_000]), {"status": "done"})
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)
    login(client, world, "participant")
    assert client.post(item_url(item), {"status": "done"}).status_code == 403
    assert item_state(item) == before


@pytest.mark.django_db
def test_clearing_the_due_date_gives_it_back_to_the_rule(client, world):
    login(client, world, "lead_facilitator")
    item = ChecklistItem.objects.get(training=world.training, key="reach-out-unct")
    planned = item.due_at
    client.post(item_url(item), {"due": "2027-01-10"})
    item.refresh_from_db()
    assert item.due_set_by_hand and item.due_at != planned
    response = client.post(item_url(item), {"due": ""}, follow=True)
    assert f"Saved: {escape(item.title)}." in response.content.decode()
    item.refresh_from_db()
    assert (item.due_set_by_hand, item.due_at) == (False, planned)
