import pytest

from notes import selectors, services
from notes.models import SessionNote
from scheduling.models import Slot

from .helpers import save

pytestmark = pytest.mark.django_db


def test_heads_are_the_latest_version_of_each_section(team):
    training, people, slot = team
    save(people["rapporteur"], slot, "one", 0)
    save(people["rapporteur"], slot, "two", 1, minutes=1)
    save(people["rapporteur"], slot, "agreed", 0, section="agreements")
    heads = selectors.heads(SessionNote.objects.get())
    assert {k: (v.number, v.text) for k, v in heads.items()} == {
        "key_points": (2, "two"), "agreements": (1, "agreed")}


def test_readers_of_published_notes_see_the_published_version_only(team):
    training, people, slot = team
    save(people["rapporteur"], slot, "published", 0)
    note = services.publish(user=people["facilitator"], note=SessionNote.objects.get())
    save(people["rapporteur"], slot, "draft after", 1, minutes=1)
    published = {key: version.text for key, _label, version, _html in
                 selectors.note_sections(note, published_only=True) if version}
    team_view = {key: version.text for key, _label, version, _html in
                 selectors.note_sections(note, published_only=False) if version}
    assert published == {"key_points": "published"}
    assert team_view == {"key_points": "draft after"}


def test_the_index_hides_unpublished_notes_from_readers_of_published_ones(team):
    training, people, slot = team
    other = Slot.objects.filter(training=training, kind="offline").exclude(pk=slot.pk).first()
    save(people["rapporteur"], slot, "published", 0)
    save(people["rapporteur"], other, "draft", 0)
    services.publish(user=people["facilitator"], note=SessionNote.objects.get(slot=slot))
    assert [s for s, _note in selectors.notes_index(training, published_only=True)] == [slot]
    team_rows = selectors.notes_index(training, published_only=False)
    assert {s.pk for s, note in team_rows if note} == {slot.pk, other.pk}
    assert len(team_rows) == len(selectors.slots_for_notes(training))


def test_section_history_is_newest_first_with_the_diff_to_the_previous(team):
    training, people, slot = team
    save(people["rapporteur"], slot, "a", 0)
    save(people["rapporteur"], slot, "a\nb", 1, minutes=1)
    rows = selectors.section_history(SessionNote.objects.get(), "key_points")
    assert [version.number for version, _diff in rows] == [2, 1]
    assert rows[0][1] == [(" ", "a"), ("+", "b")]
    assert rows[1][1] == [("+", "a")]
