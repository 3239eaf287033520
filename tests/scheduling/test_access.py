"""scheduling.access for the pages and the API: someone who may not see the training gets
the same 404 as for an id that does not exist; someone who may see it but not change it
gets 403. (The whole role matrix is walked in test_views_access and test_views_checklist.)"""

import pytest
from django.urls import reverse

from scheduling.models import Slot, SlotKind
from tests.html import page_without_tokens

pytestmark = pytest.mark.django_db
MISSING = 987_654


def first_offline(training):
    return Slot.objects.filter(training=training, kind=SlotKind.OFFLINE).order_by("start").first()


def test_the_agenda_page_and_api_answer_outsiders_as_for_a_missing_training(
        client, kenya_world):
    client.force_login(kenya_world.users["other_rco_admin"])
    pk = kenya_world.training.pk
    for url in (lambda i: reverse("scheduling:agenda", args=[i]),
                lambda i: f"/api/v1/trainings/{i}/agenda"):
        existing, missing = client.get(url(pk)), client.get(url(MISSING))
        assert existing.status_code == missing.status_code == 404, url(pk)
        assert page_without_tokens(existing) == page_without_tokens(missing), url(pk)


def test_a_slot_outsiders_may_not_see_is_404_like_a_missing_one(client, kenya_world):
    training, slot = kenya_world.training, first_offline(kenya_world.training)
    client.force_login(kenya_world.users["other_facilitator"])
    existing = client.get(reverse("scheduling:slot_editor", args=[training.pk, slot.pk]))
    missing = client.get(reverse("scheduling:slot_editor", args=[training.pk, MISSING]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)


@pytest.mark.parametrize("role", ["participant", "moderator", "rco_admin"])
def test_a_slot_is_edited_by_facilitators_and_staff_only(client, kenya_world, role):
    training, slot = kenya_world.training, first_offline(kenya_world.training)
    client.force_login(kenya_world.users[role])
    assert client.get(reverse("scheduling:slot_editor", args=[training.pk, slot.pk])
                      ).status_code == 403
    client.force_login(kenya_world.users["facilitator"])
    response = client.get(reverse("scheduling:slot_editor", args=[training.pk, slot.pk]))
    assert response.status_code == 200 and "Insert after" in response.content.decode()


def test_the_api_shows_every_viewer_the_agenda_but_not_outsiders(client, kenya_world):
    url = f"/api/v1/trainings/{kenya_world.training.pk}/agenda"
    client.force_login(kenya_world.users["participant"])
    assert client.get(url).status_code == 200
    client.force_login(kenya_world.users["no_role"])
    assert client.get(url).status_code == 404
