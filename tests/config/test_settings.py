import os
import subprocess
import sys

from django.conf import settings


def test_production_settings_pass_check_deploy():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.production",
           "DJANGO_ALLOW_ASYNC_UNSAFE": "",
           "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "z" * 20,
           "DJANGO_ALLOWED_HOSTS": "training.example.org",
           "SITE_URL": "https://training.example.org"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_missing_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.production"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_csp_forbids_inline_script_and_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
