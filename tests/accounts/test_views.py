import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_open_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode() or "closed" in response.content.decode().lower()
    response = client.post(reverse("account_signup"), {
        "email": "intruder@example.org", "password1": "a-Long-pass-123", "password2": "a-Long-pass-123"})
    from accounts.models import User
    assert not User.objects.filter(email="intruder@example.org").exists()


@pytest.mark.django_db
def test_signup_opens_only_for_an_invitation_in_the_session(client):
    session = client.session
    session["invitation_allows_signup"] = True
    session.save()
    response = client.get(reverse("account_signup"))
    assert 'name="password1"' in response.content.decode()


@pytest.mark.django_db
def test_login_with_email_and_password(client, user):
    from tests.factories import TEST_PASSWORD

    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("curriculum:list")).status_code == 200


@pytest.mark.django_db
def test_unverified_email_cannot_log_in(client, user):
    from allauth.account.models import EmailAddress

    from tests.factories import TEST_PASSWORD

    EmailAddress.objects.filter(user=user).update(verified=False)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert client.get(reverse("curriculum:list")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 1
    assert user.email in mailoutbox[0].to


@pytest.mark.django_db
def test_totp_setup_page_is_available(logged_in_client):
    response = logged_in_client.get(reverse("mfa_activate_totp"))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # allauth asks to re-authenticate first
        assert "reauthenticate" in response["Location"]


@pytest.mark.django_db
def test_profile_form_rejects_unknown_time_zone(logged_in_client, user):
    response = logged_in_client.post(reverse("accounts:profile"), {
        "full_name": "New Name", "un_entity": "UNDP", "job_title": "Officer",
        "time_zone": "Nowhere/City", "language": "en"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.full_name != "New Name"


@pytest.mark.django_db
def test_profile_form_saves(logged_in_client, user):
    response = logged_in_client.post(reverse("accounts:profile"), {
        "full_name": "New Name", "un_entity": "UNDP", "job_title": "Officer",
        "time_zone": "America/New_York", "language": "fr"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.time_zone, user.language) == ("New Name", "America/New_York", "fr")
