import pytest
from django.urls import reverse

from curriculum.importer import import_curriculum
from tests.curriculum.docs import synthetic_curriculum
from tests.html import text_of
from tests.querycount import count_queries


def session_url(key, slug="remote-unct-training"):
    return reverse("activities:session", args=[slug, key])


@pytest.mark.django_db
def test_session_one_shows_activity_one_and_where_each_part_runs(logged_in_client, curriculum):
    response = logged_in_client.get(session_url("1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Activity 1 – Adapting GCM actions to local realities" in html
    card = html[html.index('id="activity-1"'):]
    card = card[:card.index("</article>")]
    assert "Online in Module 1" in card
    assert "Offline in Module 1" in card
    assert "Online in Module 2" in card
    assert "Migration governance" in html  # learning objectives
    assert "A summary of priority actions for the implementation of the GCM" in html


@pytest.mark.django_db
def test_session_pages_exist_for_opening_one_to_nine_and_closing(logged_in_client, curriculum):
    for key in ["opening", *map(str, range(1, 10)), "closing"]:
        assert logged_in_client.get(session_url(key)).status_code == 200, key


@pytest.mark.django_db
def test_activity_page_shows_parts_questions_and_handouts(logged_in_client, curriculum):
    response = logged_in_client.get(reverse("activities:activity", args=["remote-unct-training", 2]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Guiding questions" in html
    assert "How could the movement of people affect the SDGs (in general)?" in text_of(html)
    assert "Handout 2.3" in html


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client, curriculum):
    response = client.get(session_url("1"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_session_and_activity_pages_have_constant_query_counts(logged_in_client):
    import_curriculum(synthetic_curriculum(slug="small", modules=1, sessions_per_module=1))
    import_curriculum(synthetic_curriculum(slug="large", modules=6, sessions_per_module=5))
    assert count_queries(logged_in_client, session_url("1", "small")) == \
        count_queries(logged_in_client, session_url("30", "large"))
    assert count_queries(logged_in_client, reverse("activities:activity", args=["small", 1])) == \
        count_queries(logged_in_client, reverse("activities:activity", args=["large", 30]))


@pytest.mark.django_db
def test_unknown_session_is_404(logged_in_client, curriculum):
    assert logged_in_client.get(session_url("99")).status_code == 404
