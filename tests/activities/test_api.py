import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.importer import import_curriculum
from tests.curriculum.docs import synthetic_curriculum


@pytest.mark.django_db
def test_curricula_list(logged_in_client, curriculum):
    data = logged_in_client.get("/api/v1/curricula").json()
    assert data == [{"slug": "remote-unct-training", "title": curriculum.title,
                     "modules": 4, "sessions": 11, "handouts": 13}]


@pytest.mark.django_db
def test_curriculum_tree(logged_in_client, curriculum):
    data = logged_in_client.get("/api/v1/curricula/remote-unct-training").json()
    assert len(data["modules"]) == 4
    keys = [s["key"] for m in data["modules"] for s in m["sessions"]]
    assert keys == ["opening", "1", "2", "3", "4", "5", "6", "7", "8", "9", "closing"]
    assert [a["number"] for a in data["activities"]] == [1, 2, 4, 5, 6, 8]
    assert len(data["handouts"]) == 13
    module_1 = data["modules"][0]
    online = next(e for e in module_1["elements"] if e["phase"] == "online")
    assert online["total_minutes"] == sum(i["minutes"] for i in online["items"])
    assert module_1["online_minutes"] == online["total_minutes"]
    activity_1 = data["activities"][0]
    assert {(p["phase"], p["module"]) for p in activity_1["parts"]} == {
        ("online", 1), ("offline", 1), ("online", 2)}
    refs = [r for e in module_1["elements"] for i in e["items"] for r in i["activity_parts"]]
    assert "1/1" in refs


@pytest.mark.django_db
def test_import_twice_keeps_api_counts(logged_in_client, curriculum):
    from curriculum.importer import import_file
    from tests.conftest import CURRICULUM_FILE

    before = logged_in_client.get("/api/v1/curricula").json()
    import_file(CURRICULUM_FILE)
    assert logged_in_client.get("/api/v1/curricula").json() == before


@pytest.mark.django_db
def test_tree_query_count_is_constant(logged_in_client):
    import_curriculum(synthetic_curriculum(slug="small", modules=1, sessions_per_module=1))
    import_curriculum(synthetic_curriculum(slug="large", modules=5, sessions_per_module=5))
    sizes = []
    for slug in ["small", "large"]:
        with CaptureQueriesContext(connection) as ctx:
            assert logged_in_client.get(f"/api/v1/curricula/{slug}").status_code == 200
        sizes.append(len(ctx.captured_queries))
    assert sizes[0] == sizes[1]


@pytest.mark.django_db
def test_unknown_curriculum_404(logged_in_client, curriculum):
    assert logged_in_client.get("/api/v1/curricula/nope").status_code == 404


@pytest.mark.django_db
def test_api_needs_login(client, curriculum):
    assert client.get("/api/v1/curricula").status_code == 401
    assert client.get("/api/v1/curricula/remote-unct-training").status_code == 401


@pytest.mark.django_db
def test_openapi_schema_lists_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/curricula/{slug}" in schema["paths"]
    assert "/api/v1/reference" in schema["paths"]
