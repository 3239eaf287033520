from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User


@transaction.atomic
def ensure_user(*, email, password=None, full_name="", un_entity="", job_title="",
                time_zone="UTC", is_staff=False, is_superuser=False, verified=True):
    """Create or update a user with a verified primary email address (used by seed_demo)."""
    user, _ = User.objects.update_or_create(
        email=email.lower(),
        defaults={
            "full_name": full_name, "un_entity": un_entity, "job_title": job_title,
            "time_zone": time_zone, "is_staff": is_staff, "is_superuser": is_superuser,
        },
    )
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": verified, "primary": True}
    )
    return user


@transaction.atomic
def update_profile(*, user, data):
    for field, value in data.items():
        setattr(user, field, value)
    user.full_clean()
    user.save()
    return user
