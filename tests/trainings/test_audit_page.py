"""The audit log reads as sentences: "Field label: before → after", never stored names or
Python values."""

import pytest
from django.urls import reverse

from tests.html import text_of
from trainings.services.training import update_training

pytestmark = pytest.mark.django_db


def test_each_change_reads_label_before_and_after(client, training, lead):
    update_training(actor=lead, training=training,
                    data={"city": "Mombasa", "capacity": 16, "schedule_option": "option-1"})
    client.force_login(lead)
    page = client.get(reverse("trainings:audit", args=[training.pk])).content.decode()
    text = text_of(page)
    assert "City: Nairobi → Mombasa" in text
    assert "Capacity: 18 → 16" in text
    assert "Schedule option: Option 2: four mornings → Option 1: two full days (online " \
           "mornings, offline afternoons)" in text
    for raw in ("schedule_option", "option-1", "{'", "['", "None"):
        assert raw not in text, raw


def test_an_empty_side_reads_as_a_dash(client, training, lead):
    update_training(actor=lead, training=training, data={"city": "Mombasa"})
    from trainings.services import audit

    audit.record(training=training, actor=lead, action="test", obj=training,
                 changes={"cancel_reason": [None, "Storm"], "status": ["draft", "cancelled"]})
    client.force_login(lead)
    text = text_of(client.get(reverse("trainings:audit", args=[training.pk])).content)
    assert "Cancel reason: – → Storm" in text
    assert "Status: Draft → Cancelled" in text
