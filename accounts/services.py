import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import tokens
from .models import ApiToken, User

TOKEN_LIFETIMES = {30: "30 days", 90: "90 days", 365: "1 year"}   # days: label (at most a year)
MAX_ACTIVE_TOKENS = 10


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


@transaction.atomic
def create_api_token(*, user, name, days, scope=ApiToken.Scope.READ):
    """A new personal API token for `user`: (row, token). The token is returned this once
    and never stored (the row keeps its SHA-256)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the token a name that says what uses it."})
    if days not in TOKEN_LIFETIMES:
        raise ValidationError({"expires_in": "Choose 30 days, 90 days or 1 year."})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": "Choose read only or read and write."})
    User.objects.select_for_update().filter(pk=user.pk).first()   # one creation at a time
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True,
                                     expires_at__gt=now).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"You already have {active} active tokens, the most one person "
                              "may hold. Revoke one you no longer use first.")
    prefix, token = tokens.new_token()
    row = ApiToken.objects.create(user=user, name=name, prefix=prefix,
                                  key_hash=tokens.digest(token), scope=scope, created_at=now,
                                  expires_at=now + datetime.timedelta(days=days))
    return row, token


@transaction.atomic
def revoke_api_token(*, token):
    """Refuse the token from now on (the row stays, listed as revoked). Revoking twice keeps
    the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
