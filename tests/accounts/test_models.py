import pytest
from django.core.exceptions import ValidationError

from accounts.models import User


@pytest.mark.django_db
def test_email_is_the_login_and_is_lowercased():
    user = User.objects.create_user(email="Person@Example.ORG", password="x-long-password-1")
    assert user.email == "person@example.org"
    assert User.USERNAME_FIELD == "email"


@pytest.mark.django_db
def test_time_zone_must_be_iana():
    user = User(email="a@example.org", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "time_zone" in excinfo.value.message_dict


@pytest.mark.django_db
def test_superuser():
    admin = User.objects.create_superuser(email="root@example.org", password="x-long-password-1")
    assert admin.is_staff and admin.is_superuser
