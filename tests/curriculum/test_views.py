import re

import pytest
from django.urls import reverse

from curriculum.importer import import_curriculum
from tests.querycount import count_queries

from .docs import synthetic_curriculum

PAGES = [
    ("curriculum:list", []),
    ("curriculum:detail", ["remote-unct-training"]),
    ("curriculum:gcm_objectives", []),
    ("curriculum:guiding_principles", []),
    ("curriculum:sdgs", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_users_go_to_the_login_page(client, curriculum, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_render_for_a_logged_in_user(logged_in_client, curriculum, name, args):
    response = logged_in_client.get(reverse(name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    # strict CSP: no inline script or style in any page
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert " style=" not in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
def test_curriculum_page_lists_four_modules_with_element_totals(logged_in_client, curriculum):
    html = logged_in_client.get(curriculum.get_absolute_url()).content.decode()
    headings = [t for t in re.findall(r"<h3[^>]*>(.*?)</h3>", html) if t.startswith("Module ")]
    assert [h.split(":")[0] for h in headings] == ["Module 1", "Module 2", "Module 3", "Module 4"]
    # Module 2: online 30+40+30+25+10 = 135 minutes, offline 10+30+45+15 = 100 minutes
    module_2 = html[html.index('id="module-2"'):html.index('id="module-3"')]
    assert "Online 2h 15m" in module_2
    assert "Offline 1h 40m" in module_2
    assert "Guide states: 4h30m" in module_2


@pytest.mark.django_db
def test_curriculum_page_shows_editor_notes(logged_in_client, curriculum):
    html = logged_in_client.get(curriculum.get_absolute_url()).content.decode()
    assert "Editor&#x27;s note" in html or "Editor's note" in html
    assert "breaks off after the Session 5 row" in html


@pytest.mark.django_db
def test_reference_pages_show_the_data(logged_in_client, curriculum):
    html = logged_in_client.get(reverse("curriculum:gcm_objectives")).content.decode()
    assert "Collect and utilize accurate and disaggregated data" in html
    assert html.count("Thematic area ") >= 5
    html = logged_in_client.get(reverse("curriculum:guiding_principles")).content.decode()
    assert "People-centred" in html
    html = logged_in_client.get(reverse("curriculum:sdgs")).content.decode()
    assert "10.7" in html
    assert "SDG 17" in html


@pytest.mark.django_db
def test_curriculum_page_query_count_does_not_grow_with_sessions(logged_in_client):
    import_curriculum(synthetic_curriculum(slug="small", modules=2, sessions_per_module=1))
    import_curriculum(synthetic_curriculum(slug="large", modules=8, sessions_per_module=6))
    small = count_queries(logged_in_client, reverse("curriculum:detail", args=["small"]))
    large = count_queries(logged_in_client, reverse("curriculum:detail", args=["large"]))
    assert small == large


@pytest.mark.django_db
def test_unknown_curriculum_is_404(logged_in_client):
    assert logged_in_client.get(reverse("curriculum:detail", args=["nope"])).status_code == 404
