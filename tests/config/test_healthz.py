import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_dead_broker(client, settings):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_api_docs_redirect(client):
    response = client.get("/api/docs")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/api/v1/docs"


@pytest.mark.django_db
def test_api_docs_page_uses_local_assets_only(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    from accounts.models import User
    from curriculum.models import Curriculum

    call_command("seed_demo")
    first = capsys.readouterr().out
    users = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert Curriculum.objects.count() == 1
    assert "staff@demo.unct.test" in first
    assert "Demo logins" in first
