"""Fidelity to the guide: handouts reused by several activities (Annex II), sources cited by
the document's title, editor's notes in the API."""

import pytest
from django.urls import reverse

from activities.models import Activity
from curriculum.importer import CurriculumImportError, import_curriculum
from curriculum.models import SourceDocument
from tests.html import text_of

from .docs import clone, synthetic_curriculum

pytestmark = pytest.mark.django_db

GUIDE = ("Remote Training for UN Country Teams: Integrating Migration into Common Country "
         "Analyses and Cooperation Frameworks, Supplementary Facilitator's Guide (Advanced "
         "Draft, October 2020)")
REUSED = ["1.1", "1.2", "2.1a", "2.1b"]  # GCM objectives, principles, SDGs, SDG linkages


# 7. A handout may serve several activities ----------------------------------------------------


def test_api_lists_activities_6_and_8_with_the_reused_handouts(logged_in_client, curriculum):
    data = logged_in_client.get("/api/v1/curricula/remote-unct-training").json()
    activities = {a["number"]: a for a in data["activities"]}
    assert activities[6]["handouts"] == REUSED
    assert activities[8]["handouts"] == REUSED + ["8.1", "8.2", "8.3"]
    assert activities[1]["handouts"] == ["1.1", "1.2", "1.3"]
    handouts = {h["number"]: h for h in data["handouts"]}
    assert handouts["1.1"]["activities"] == [1, 6, 8]
    assert handouts["2.1b"]["activities"] == [2, 6, 8]
    assert handouts["1.3"]["activities"] == [1]


def test_the_activity_page_offers_the_reused_handouts(logged_in_client, curriculum):
    page = logged_in_client.get(Activity.objects.get(curriculum=curriculum, number=6)
                                .get_absolute_url()).content
    text = text_of(page)
    for title in ("GCM Objectives", "GCM Guiding Principles", "SDGs & migration linkages"):
        assert title in text


def test_a_handout_may_list_several_activities_in_the_fixture():
    doc = synthetic_curriculum(slug="shared-handouts")
    doc["handouts"][0].pop("activity")
    doc["handouts"][0]["activities"] = [1, 2]
    import_curriculum(clone(doc))
    first = Activity.objects.get(curriculum__slug="shared-handouts", number=1)
    second = Activity.objects.get(curriculum__slug="shared-handouts", number=2)
    assert [h.number for h in second.handouts.all()] == ["1.1", "2.1"]
    assert [h.number for h in first.handouts.all()] == ["1.1"]


def test_an_unknown_activity_in_the_list_is_named_with_its_path():
    doc = synthetic_curriculum(slug="bad-handouts")
    doc["handouts"][0].pop("activity")
    doc["handouts"][0]["activities"] = [1, 99]
    with pytest.raises(CurriculumImportError) as excinfo:
        import_curriculum(doc)
    assert "handouts[0].activities: unknown activity 99" in str(excinfo.value)


def test_activity_and_activities_together_are_refused():
    doc = synthetic_curriculum(slug="both-ways")
    doc["handouts"][0]["activities"] = [2]
    with pytest.raises(CurriculumImportError, match="not both"):
        import_curriculum(doc)


# 4. Sources cited by the document's title -----------------------------------------------------


def _cited(text):
    """The text as read (the title is set in <cite>, so the reader adds a space before ",")."""
    return text.replace(" , §", ", §")


def test_the_title_of_the_guide_is_stored_once(curriculum):
    assert SourceDocument.objects.get(file="000_28a756013e5dbda1.txt").title == GUIDE


def test_session_page_cites_the_guide_by_title_and_section(logged_in_client, curriculum):
    url = reverse("activities:session", args=["remote-unct-training", "1"])
    text = _cited(text_of(logged_in_client.get(url).content))
    assert f"Source: {GUIDE}, § 4.1.1" in text
    assert ".txt" not in text


def test_curriculum_and_principles_pages_cite_no_file_name(logged_in_client, curriculum):
    for url in (reverse("curriculum:detail", args=["remote-unct-training"]),
                reverse("curriculum:guiding_principles")):
        text = _cited(text_of(logged_in_client.get(url).content))
        assert f"Source: {GUIDE}, §" in text
        assert ".txt" not in text


# 9. Editor's notes in the API -----------------------------------------------------------------


def test_reference_api_carries_the_note_on_objective_3(logged_in_client, curriculum):
    data = logged_in_client.get("/api/v1/reference").json()
    objective_3 = next(o for o in data["gcm_objectives"] if o["number"] == 3)
    assert objective_3["title"] == "Provide accurate and timely information at all stages of " \
                                   "migration"
    assert any("adequate" in note and "accurate" in note for note in objective_3["editor_notes"])
    assert all("editor_notes" in p for p in data["guiding_principles"])
    assert all("editor_notes" in a for a in data["thematic_areas"])
    assert all("editor_notes" in s for s in data["sdgs"])


def test_curriculum_api_carries_notes_of_sessions_items_and_handouts(logged_in_client,
                                                                    curriculum):
    data = logged_in_client.get("/api/v1/curricula/remote-unct-training").json()
    sessions = [s for m in data["modules"] for s in m["sessions"]]
    items = [i for m in data["modules"] for e in m["elements"] for i in e["items"]]
    assert all("editor_notes" in record for record in sessions + items + data["handouts"])
    noted_items = [i for i in items if i["editor_notes"]]
    assert noted_items, "the reconstructed Module 3 items carry notes"
    module_3_offline = data["modules"][2]["elements"]
    assert any(i["editor_notes"] for e in module_3_offline for i in e["items"])
