import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from activities.models import Activity, ActivityPart
from curriculum.importer import CurriculumImportError, import_curriculum, import_file, import_reference
from curriculum.models import (
    AgendaItem,
    Curriculum,
    Element,
    GcmObjective,
    GuidingPrinciple,
    Handout,
    Module,
    Sdg,
    Session,
    ThematicArea,
)
from tests.conftest import CURRICULUM_FILE, REFERENCE_FILE

from .docs import clone, minimal_reference, synthetic_curriculum

MODELS = [Curriculum, Module, Session, Element, AgendaItem, Handout, Activity, ActivityPart,
          GcmObjective, GuidingPrinciple, ThematicArea, Sdg]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def write(tmp_path, doc, name="doc.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def problems_of(excinfo):
    return dict(excinfo.value.problems)


@pytest.mark.django_db
class TestSeedFixture:
    def test_imports_the_whole_guide(self, curriculum):
        assert curriculum.modules.count() == 4
        keys = list(curriculum.sessions.values_list("key", flat=True))
        assert keys == ["opening", "1", "2", "3", "4", "5", "6", "7", "8", "9", "closing"]
        assert sorted(curriculum.activities.values_list("number", flat=True)) == [1, 2, 4, 5, 6, 8]
        assert curriculum.handouts.count() == 13
        assert GcmObjective.objects.count() == 23
        assert GuidingPrinciple.objects.count() == 10
        assert ThematicArea.objects.count() == 5
        assert Sdg.objects.count() == 17
        # every module has an online and an offline element, each with agenda items
        for module in curriculum.modules.all():
            assert sorted(module.elements.values_list("phase", flat=True)) == ["offline", "online"]
            for element in module.elements.all():
                assert element.items.exists()

    def test_every_record_names_its_source(self, curriculum):
        assert not Session.objects.filter(source_section="").exists()
        assert not ActivityPart.objects.filter(source_section="").exists()
        assert not GcmObjective.objects.filter(source_file="").exists()
        assert curriculum.source_file == "000_28a756013e5dbda1.txt"

    def test_every_gcm_objective_sits_in_a_thematic_area(self, curriculum):
        assert not GcmObjective.objects.filter(thematic_areas=None).exists()

    def test_activity_one_runs_online_offline_and_online_again(self, curriculum):
        parts = ActivityPart.objects.filter(activity__number=1).select_related("module")
        where = [(p.label, p.phase, p.module.number) for p in parts]
        assert ("Part 1", "online", 1) in where
        assert ("Part 3", "offline", 1) in where
        assert ("Part 4", "online", 2) in where

    def test_discrepancies_are_recorded_as_editor_notes(self, curriculum):
        part = ActivityPart.objects.get(activity__number=5, key="4")
        assert part.module.number == 3
        assert any("Module 1" in note for note in part.editor_notes)


@pytest.mark.django_db
class TestIdempotence:
    def test_importing_twice_changes_no_count_and_no_id(self):
        # the session's test database holds the curriculum already: start from none
        Curriculum.objects.filter(slug="remote-unct-training").delete()
        import_file(REFERENCE_FILE)
        first = import_file(CURRICULUM_FILE)
        before = counts()
        ids = sorted(ActivityPart.objects.values_list("pk", flat=True))
        second = import_file(CURRICULUM_FILE)
        assert counts() == before
        assert sorted(ActivityPart.objects.values_list("pk", flat=True)) == ids
        assert first.created > 0
        assert (second.created, second.updated, second.deleted) == (0, 0, 0)

    def test_reimport_updates_in_place(self):
        doc = synthetic_curriculum()
        import_curriculum(doc)
        item = AgendaItem.objects.get(title="Session 1 online")
        doc = clone(doc)
        doc["modules"][0]["elements"][0]["items"][0]["minutes"] = 50
        result = import_curriculum(doc)
        item.refresh_from_db()
        assert item.minutes == 50
        assert result.updated == 1

    def test_reimport_removes_what_the_file_no_longer_has(self):
        doc = synthetic_curriculum(modules=2, sessions_per_module=2)
        import_curriculum(doc)
        smaller = clone(doc)
        smaller["modules"].pop()  # module 2 with sessions 3 and 4
        smaller["activities"] = [a for a in smaller["activities"] if a["number"] <= 2]
        smaller["handouts"] = [h for h in smaller["handouts"] if h["activity"] <= 2]
        smaller["activities"][0]["parts"].pop()  # part 2 of activity 1
        smaller["modules"][0]["elements"][1]["items"][0]["activity_parts"] = []
        result = import_curriculum(smaller)
        curriculum = Curriculum.objects.get(slug="synthetic")
        assert curriculum.modules.count() == 1
        assert list(curriculum.sessions.values_list("key", flat=True)) == ["1", "2"]
        assert curriculum.activities.count() == 2
        assert curriculum.handouts.count() == 2
        assert list(ActivityPart.objects.filter(activity__curriculum=curriculum, activity__number=1)
                    .values_list("key", flat=True)) == ["1"]
        assert result.deleted > 0

    def test_reference_reimport_removes_dropped_records(self):
        import_reference(minimal_reference())
        doc = minimal_reference()
        doc["gcm_objectives"].pop()
        doc["thematic_areas"][0]["objectives"] = [1]
        import_reference(doc)
        assert list(GcmObjective.objects.values_list("number", flat=True)) == [1]


@pytest.mark.django_db
class TestValidation:
    def test_missing_file(self, tmp_path):
        with pytest.raises(CurriculumImportError, match="file not found"):
            import_file(tmp_path / "nope.yaml")

    def test_yaml_syntax_error_names_the_file(self, tmp_path):
        path = tmp_path / "broken.yaml"
        path.write_text("kind: curriculum\nmodules: [\n", encoding="utf-8")
        with pytest.raises(CurriculumImportError) as excinfo:
            import_file(path)
        assert "broken.yaml" in str(excinfo.value)
        assert "not valid YAML" in str(excinfo.value)

    def test_document_must_be_a_mapping(self, tmp_path):
        with pytest.raises(CurriculumImportError, match="must be a mapping"):
            import_file(write(tmp_path, ["a", "b"]))

    def test_unknown_kind(self, tmp_path):
        with pytest.raises(CurriculumImportError, match="kind: must be one of 'reference', 'curriculum'"):
            import_file(write(tmp_path, {"kind": "recipe"}))

    def test_missing_field_is_named_with_its_path(self, tmp_path):
        doc = synthetic_curriculum()
        del doc["modules"][1]["sessions"][0]["title"]
        with pytest.raises(CurriculumImportError) as excinfo:
            import_file(write(tmp_path, doc, "missing.yaml"))
        assert "modules[1].sessions[0].title" in problems_of(excinfo)
        assert "missing.yaml: modules[1].sessions[0].title: Field required" in str(excinfo.value)

    def test_bad_choice(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["sessions"][1]["kind"] = "workshop"
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert "'workshop'" in problems_of(excinfo)["modules[0].sessions[1].kind"]

    def test_bad_minutes(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["elements"][0]["items"][0]["minutes"] = 0
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert "modules[0].elements[0].items[0].minutes" in problems_of(excinfo)

    def test_unknown_field(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["colour"] = "blue"
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert problems_of(excinfo)["modules[0].colour"] == "unknown field"

    def test_duplicate_module_number(self):
        doc = synthetic_curriculum()
        doc["modules"][1]["number"] = 1
        with pytest.raises(CurriculumImportError, match="module number 1 appears more than once"):
            import_curriculum(doc)

    def test_duplicate_session_key(self):
        doc = synthetic_curriculum()
        doc["modules"][1]["sessions"][0]["key"] = "1"
        doc["modules"][1]["sessions"][0]["number"] = 1
        with pytest.raises(CurriculumImportError, match="session key '1' appears more than once"):
            import_curriculum(doc)

    def test_numbered_session_needs_a_number(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["sessions"][0]["number"] = None
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert "modules[0].sessions[0].number" in problems_of(excinfo)

    def test_unknown_session_reference(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["elements"][1]["items"][0]["session"] = "42"
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert problems_of(excinfo)["modules[0].elements[1].items[0].session"] == "unknown session '42'"

    def test_unknown_activity_part_reference(self):
        doc = synthetic_curriculum()
        doc["modules"][0]["elements"][0]["items"][1]["activity_parts"] = ["2/9"]
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        assert problems_of(excinfo)["modules[0].elements[0].items[1].activity_parts[0]"] == \
            "unknown activity part '2/9'"

    def test_activity_errors_carry_the_section_path(self):
        doc = synthetic_curriculum()
        doc["activities"][1]["parts"][0]["phase"] = "hybrid"
        doc["activities"][0]["parts"][1]["module"] = 7
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        problems = problems_of(excinfo)
        assert "activities[1].parts[0].phase" in problems

    def test_activity_cross_reference_errors(self):
        doc = synthetic_curriculum()
        doc["activities"][0]["parts"][1]["module"] = 7
        doc["activities"][0]["session"] = "99"
        doc["handouts"][0]["activity"] = 77
        with pytest.raises(CurriculumImportError) as excinfo:
            import_curriculum(doc)
        problems = problems_of(excinfo)
        assert problems["activities[0].parts[1].module"] == "unknown module 7"
        assert problems["activities[0].session"] == "unknown session '99'"
        assert problems["handouts[0].activity"] == "unknown activity 77"

    def test_duplicate_part_key(self):
        doc = synthetic_curriculum()
        doc["activities"][0]["parts"][1]["key"] = "1"
        with pytest.raises(CurriculumImportError, match="part key '1' appears more than once"):
            import_curriculum(doc)

    def test_reference_unknown_objective_in_thematic_area(self):
        doc = minimal_reference()
        doc["thematic_areas"][0]["objectives"] = [1, 24]
        with pytest.raises(CurriculumImportError) as excinfo:
            import_reference(doc)
        assert problems_of(excinfo)["thematic_areas[0].objectives[1]"] == "unknown GCM objective 24"

    def test_reference_duplicate_number(self):
        doc = minimal_reference()
        doc["gcm_objectives"][1]["number"] = 1
        with pytest.raises(CurriculumImportError, match="number 1 appears more than once"):
            import_reference(doc)

    def test_nothing_is_half_imported(self):
        doc = synthetic_curriculum()
        import_curriculum(doc)
        before = counts()
        titles = list(AgendaItem.objects.order_by("pk").values_list("title", flat=True))
        changed = clone(doc)
        changed["modules"][0]["elements"][0]["items"][0]["title"] = "Renamed"
        changed["modules"].append({**clone(doc["modules"][0]), "number": 3})  # keys clash
        with pytest.raises(CurriculumImportError):
            import_curriculum(changed)
        assert counts() == before
        assert list(AgendaItem.objects.order_by("pk").values_list("title", flat=True)) == titles

    def test_command_reports_errors_and_imports_nothing(self, tmp_path):
        doc = synthetic_curriculum()
        doc["modules"][0]["elements"][0]["items"][0]["session"] = "nope"
        path = write(tmp_path, doc, "bad.yaml")
        with pytest.raises(CommandError) as excinfo:
            call_command("import_curriculum", str(path))
        assert "Nothing was imported" in str(excinfo.value)
        expected = "bad.yaml: modules[0].elements[0].items[0].session: unknown session 'nope'"
        assert expected in str(excinfo.value)
        assert not Curriculum.objects.filter(slug="synthetic").exists()

    def test_command_prints_counts(self, tmp_path, capsys):
        call_command("import_curriculum", str(REFERENCE_FILE), str(CURRICULUM_FILE))
        out = capsys.readouterr().out
        assert "23 gcm objectives" in out
        assert "4 modules, 11 sessions" in out
        assert "13 handouts, 6 activities" in out


@pytest.mark.django_db
def test_too_long_text_is_a_validation_error_not_a_database_error():
    doc = synthetic_curriculum()
    doc["modules"][0]["sessions"][0]["title"] = "x" * 301
    doc["source"]["section"] = "y" * 201
    with pytest.raises(CurriculumImportError) as excinfo:
        import_curriculum(doc)
    problems = problems_of(excinfo)
    assert "at most 300 characters" in problems["modules[0].sessions[0].title"]
    assert "source.section" in problems


@pytest.mark.django_db
def test_handout_blocks_are_validated():
    doc = synthetic_curriculum()
    doc["handouts"][0]["blocks"] = [{"type": "table", "columns": ["a", "b"], "rows": [["only one"]]},
                                    {"type": "paragraph"}]
    with pytest.raises(CurriculumImportError) as excinfo:
        import_curriculum(doc)
    problems = problems_of(excinfo)
    assert "as many cells" in problems["handouts[0].blocks[0]"]
    assert "needs text" in problems["handouts[0].blocks[1]"]
