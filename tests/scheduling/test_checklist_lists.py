"""The checklist as a list that scales (issue 16): grouped by phase with counts, filtered by
owner (me, a member, nobody) and status (open, done, overdue) through a GET form, due dates
with their year, ticking keeps the filters, and a constant number of queries.

The Kenyan world of test_views_checklist (one user per role, the guide's checklist planned
for 1-4 March 2027) is reused; every test runs in a savepoint on top of it."""

import datetime
import re

import pytest
import time_machine
from django.utils.html import escape

from scheduling.models import ChecklistItem
from tests.html import text_of
from tests.querycount import count_queries
from trainings.models import Membership, Role

from .test_views_checklist import BUILT_AT, checklist_url, item_url, login, world  # noqa: F401

UTC = datetime.UTC
PHASE_HEADINGS = [
    "Preparation: two months to four weeks before (T-60 to T-28)",
    "Final preparation: the last four weeks (T-27 to T-1)",
    "Opening of the training",
    "Each module",
    "Close of the training",
    "After the training (up to T+90)",
    "Other items (added by hand)",
]


def groups(html):
    """{phase heading: the group's visible text} in page order."""
    chunks = re.split(r'<details class="checklist-group', html)[1:]
    found = {}
    for chunk in chunks:
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", chunk, re.S)[1]
        found[heading.strip()] = text_of(chunk)
    return found


def shown_items(html, training):
    return {item for item in ChecklistItem.objects.filter(training=training)
            if f'id="item-{item.pk}"' in html}


def get(client, training, **params):
    response = client.get(checklist_url(training), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_items_are_grouped_by_phase_with_counts(client, world):  # noqa: F811
    login(client, world, "lead_facilitator")
    training = world.training
    ChecklistItem.objects.filter(training=training, key="reach-out-unct").update(status="done")
    html = get(client, training)
    found = groups(html)
    assert list(found) == PHASE_HEADINGS
    # The guide's first five lines (T-60, T-56) and the country profile (T-28) are early.
    early = found[PHASE_HEADINGS[0]]
    assert "11 items, 10 open" in early
    titles = {i.key: i.title for i in ChecklistItem.objects.filter(training=training)}
    assert titles["reach-out-unct"] in early and titles["country-profile"] in early  # T-28
    assert titles["prior-knowledge-survey"] in found[PHASE_HEADINGS[1]]  # T-21
    assert titles["thank-you-email"] in found[PHASE_HEADINGS[5]]  # E+1
    modules = found["Each module"]
    # Four lines per module, four modules in Option 2.
    per_module = ChecklistItem.objects.filter(training=training, module__isnull=False).count()
    assert per_module == 16
    assert f"{per_module} items, {per_module} open" in modules
    assert "– Module 1" in modules and "– Module 4" in modules
    assert "Check the room set-up with the moderator" in found["Other items (added by hand)"]
    # Every item is on the page exactly once.
    assert len(shown_items(html, training)) == ChecklistItem.objects.filter(
        training=training).count()


@pytest.mark.django_db
def test_due_dates_show_the_year_in_the_training_zone(client, world):  # noqa: F811
    login(client, world, "facilitator")
    html = get(client, world.training)
    item = ChecklistItem.objects.get(training=world.training, key="reach-out-unct")
    card = text_of(re.search(rf'id="item-{item.pk}".*?</li>', html, re.S)[0])
    assert "Due Thu 31 Dec 2026, 17:00 EAT" in card


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "owners"), [
    ("tech_support", {"tech_support"}),
    ("lead_facilitator", {"lead_facilitator", "facilitator"}),
    ("rco_admin", {"rco_admin"}),
    ("staff", set()),
])
def test_owner_me_shows_the_items_of_my_roles(client, world, role, owners):  # noqa: F811
    login(client, world, role)
    html = get(client, world.training, owner="me")
    shown = shown_items(html, world.training)
    expected = set(ChecklistItem.objects.filter(training=world.training, owner__in=owners))
    assert shown == expected
    assert f"{len(expected)} item{'s' if len(expected) != 1 else ''} match" in text_of(html)
    if not expected:
        assert "No item matches these filters." in text_of(html)


@pytest.mark.django_db
def test_owner_a_member_and_nobody(client, world):  # noqa: F811
    login(client, world, "lead_facilitator")
    training = world.training
    rapporteur = world.users["rapporteur"]
    html = get(client, training)
    assert f'<option value="member-{rapporteur.pk}">K rapporteur</option>' in html
    html = get(client, training, owner=f"member-{rapporteur.pk}")
    assert shown_items(html, training) == set(
        ChecklistItem.objects.filter(training=training, owner="rapporteur"))
    # Everyone holds a role: nobody's items are none; without a liaison, theirs show.
    assert shown_items(get(client, training, owner="nobody"), training) == set()
    Membership.objects.filter(training=training, role=Role.LIAISON).delete()
    html = get(client, training, owner="nobody")
    liaison = set(ChecklistItem.objects.filter(training=training, owner="liaison"))
    assert liaison and shown_items(html, training) == liaison
    # The removed liaison is no longer offered as a member.
    assert "K liaison" not in html


@pytest.mark.django_db
def test_status_open_done_and_overdue(client, world):  # noqa: F811
    login(client, world, "facilitator")
    training = world.training
    done = ChecklistItem.objects.get(training=training, key="reach-out-unct")
    done.status = "done"
    done.save()
    na = ChecklistItem.objects.get(training=training, key="scoping-survey-send")
    na.status = "na"
    na.save()
    everything = set(ChecklistItem.objects.filter(training=training))
    assert shown_items(get(client, training, status="done"), training) == {done, na}
    assert shown_items(get(client, training, status="open"), training) == everything - {done, na}
    # On 5 January 2027 the items due by then (T-60 .. T-56, except the two closed) are late.
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False):
        login(client, world, "facilitator")
        html = get(client, training, status="overdue")
    late = {i for i in everything - {done, na} if i.due_at < datetime.datetime(
        2027, 1, 5, 9, 0, tzinfo=UTC)}
    assert len(late) == 3
    assert shown_items(html, training) == late
    assert "3 items, 3 open, 3 overdue" in groups(html)[PHASE_HEADINGS[0]]


@pytest.mark.django_db
def test_filters_combine(client, world):  # noqa: F811
    login(client, world, "lead_facilitator")
    training = world.training
    tech = ChecklistItem.objects.filter(training=training, owner="tech_support").first()
    tech.status = "done"
    tech.save()
    html = get(client, training, owner=f"member-{world.users['tech_support'].pk}",
               status="done")
    assert shown_items(html, training) == {tech}


@pytest.mark.django_db
def test_unknown_filter_values_say_so_next_to_the_field(client, world):  # noqa: F811
    login(client, world, "lead_facilitator")
    html = get(client, world.training, owner="member-999999", status="late")
    assert re.search(r'id="id_owner"[^>]*aria-invalid="true"', html)
    assert "Choose an owner from the list (me, a member or nobody)." in html
    assert "Choose open, done or overdue." in html
    # Nothing is filtered by a value the page does not offer.
    assert len(shown_items(html, world.training)) == ChecklistItem.objects.filter(
        training=world.training).count()
    # Not even a member of another training.
    other = world.users["other_facilitator"]
    html = get(client, world.training, owner=f"member-{other.pk}")
    assert "Choose an owner from the list" in html and "Ursula Uganda" not in html


@pytest.mark.django_db
def test_ticking_an_item_keeps_the_filters(client, world):  # noqa: F811
    login(client, world, "tech_support")
    training = world.training
    item = ChecklistItem.objects.filter(training=training, owner="tech_support").first()
    url = f"{item_url(item)}?owner=me&status=open"
    html = get(client, training, owner="me", status="open")
    assert f'action="{escape(url)}"' in html
    response = client.post(url, {"status": "done"})
    assert response.status_code == 302
    assert response["Location"] == (f"{checklist_url(training)}?owner=me&status=open"
                                    f"#item-{item.pk}")
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert escape(f"Saved: {item.title}.") in page
    assert item not in shown_items(page, training)
    others = set(ChecklistItem.objects.filter(training=training, owner="tech_support",
                                              status="todo"))
    assert shown_items(page, training) == others
    # Only the page's own keys are carried back.
    response = client.post(f"{item_url(item)}?status=done&next=//evil.example", {"status": "na"})
    assert response["Location"] == f"{checklist_url(training)}?status=done#item-{item.pk}"


@pytest.mark.django_db
def test_only_the_phase_under_way_starts_open(client, world):  # noqa: F811
    login(client, world, "lead_facilitator")
    training = world.training
    ChecklistItem.objects.filter(training=training, template__anchor="end").update(status="done")
    html = get(client, training)
    close = re.search(r'<details class="checklist-group[^"]*" id="phase-(\w+)"( open)?>'
                      r'\s*<summary[^>]*><h3[^>]*>Close of the training', html)
    assert close and close[2] is None
    assert re.search(r'id="phase-early" open>', html)
    # Only the phase under way (the first with open items) and overdue ones start open:
    # the page opens on what is due, not on 50 lines.
    assert not re.search(r'id="phase-modules" open>', html)
    ChecklistItem.objects.filter(training=training, template__anchor="start",
                                 template__offset_days__lt=0).update(status="done")
    html = get(client, training)
    assert not re.search(r'id="phase-early" open>', html)
    assert re.search(r'id="phase-opening" open>', html)
    # A filtered list opens every group it shows.
    assert re.search(r'id="phase-close" open>', get(client, training, status="done"))


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_items(client, world):  # noqa: F811
    login(client, world, "tech_support")
    training = world.training
    url = f"{checklist_url(training)}?owner=me&status=open"
    url_all = checklist_url(training)
    with time_machine.travel(BUILT_AT, tick=False):
        few, few_all = count_queries(client, url), count_queries(client, url_all)
        ChecklistItem.objects.bulk_create([
            ChecklistItem(training=training, key=f"extra-{n}", title=f"Extra {n}",
                          owner="tech_support" if n % 2 else "facilitator", position=500 + n,
                          due_at=datetime.datetime(2027, 2, 1, 9, 0, tzinfo=UTC),
                          status_by=world.users["staff"], note="x")
            for n in range(40)])
        many, many_all = count_queries(client, url), count_queries(client, url_all)
    assert many == few
    assert many_all == few_all
