"""Production hardening on top of config.settings; passes `manage.py check --deploy`."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50 and not env_bool("DJANGO_CHECK_ONLY"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters.")
if not SECRET_KEY:
    SECRET_KEY = "check-only-" + "x" * 32 + "-not-a-real-key-" + "y" * 16  # noqa: S105

# Every link in emails, QR codes and calendar feeds starts with SITE_URL: no default here.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL and env_bool("DJANGO_CHECK_ONLY"):  # building the image (collectstatic)
    SITE_URL = "https://check-only.invalid"
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be the address people reach the site at, with http:// or https:// "
        f"and no path, e.g. SITE_URL=https://training.example.org (got {SITE_URL!r}); links in "
        f"emails, QR codes and calendar feeds are built from it.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
