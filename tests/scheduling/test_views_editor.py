"""The agenda editor's answers to htmx: the page at once, with the note beside the slot and
its forms open; a refused edit answers 422 with the errors beside the fields
(docs/agenda.md, "Editing")."""

import pytest
from django.urls import reverse

from scheduling.models import Slot
from tests.factories import UserFactory
from tests.html import text_of
from trainings.models import Membership, Role

from .helpers import make_agenda

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _editor_client(client):
    training = make_agenda()
    user = UserFactory(time_zone="Africa/Nairobi")
    Membership.objects.create(training=training, user=user, role=Role.FACILITATOR)
    client.force_login(user)
    slot = Slot.objects.filter(training=training).order_by("start")[2]
    return training, slot


def test_a_refused_length_comes_back_as_the_form_with_the_error_beside_the_field(client):
    training, slot = _editor_client(client)
    response = client.post(reverse("scheduling:resize", args=[training.pk, slot.pk]),
                           {"minutes": 0}, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="len-{slot.pk}" value="0" required aria-invalid="true" ' \
           f'aria-describedby="len-{slot.pk}-error"' in html
    assert f'id="len-{slot.pk}-error">Ensure this value is greater than or equal to 1.</div>' \
        in html
    assert "Not saved. Length (minutes): Ensure this value" in text_of(html)
    slot.refresh_from_db()
    assert slot.minutes == 65


def test_a_saved_move_answers_with_the_note_beside_the_slot_and_its_forms_open(client):
    training, slot = _editor_client(client)
    response = client.post(reverse("scheduling:move", args=[training.pk, slot.pk]),
                           {"day": "2027-03-01", "start_time": "13:30"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="note-{slot.pk}" role="status" tabindex="-1" data-announce>Moved “' in html
    assert f'id="move-day-{slot.pk}" value="2027-03-01"' in html      # its forms, open
    assert 'value="13:30"' in html


def test_a_plain_post_still_redirects_with_the_message(client):
    training, slot = _editor_client(client)
    response = client.post(reverse("scheduling:resize", args=[training.pk, slot.pk]),
                           {"minutes": 70, "shift_following": "on"})
    assert response.status_code == 302
    assert "now lasts 70 min" in text_of(client.get(response.url).content.decode())
