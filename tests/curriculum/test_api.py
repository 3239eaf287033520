import pytest


@pytest.mark.django_db
def test_reference_api_counts(logged_in_client, curriculum):
    data = logged_in_client.get("/api/v1/reference").json()
    assert len(data["gcm_objectives"]) == 23
    assert len(data["guiding_principles"]) == 10
    assert len(data["thematic_areas"]) == 5
    assert len(data["sdgs"]) == 17
    area_1 = data["thematic_areas"][0]
    assert area_1["number"] == 1
    assert 1 in area_1["objectives"]
    sdg_10 = next(s for s in data["sdgs"] if s["number"] == 10)
    assert "10.7" in [t["code"] for t in sdg_10["migration_targets"]]


@pytest.mark.django_db
def test_reference_api_needs_a_login(client, curriculum):
    assert client.get("/api/v1/reference").status_code == 401
