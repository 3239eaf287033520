import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.celery_worker import worker, workers  # noqa: F401 - fixtures
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously from that thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CURRICULUM_FILE = FIXTURES / "curricula" / "remote-unct-training.yaml"
REFERENCE_FILE = FIXTURES / "reference" / "gcm-reference.yaml"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run inline in tests; the worker tests start a real worker instead."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every fixture (reference data, curricula, schedules, checklists, surveys) imported once
    into the test database. Tests run in a transaction on top of it; pytest-django runs the
    transactional tests (which empty the database when they end) after all the others, and
    `tests.builders.seed_curriculum` imports again where one of them emptied it."""
    from curriculum.services import import_all_fixtures

    with django_db_blocker.unblock():
        import_all_fixtures()


@pytest.fixture
def curriculum(db):
    """The real curriculum of seed 000 with the reference data (imported once a session)."""
    from tests.builders import seed_curriculum

    return seed_curriculum()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; REQUIRE_BROWSER=1 forbids skipping browser tests.")
        pytest.skip(f"{message}; browser test skipped. Set REQUIRE_BROWSER=1 to fail instead.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page at tablet size that records console errors and CSP violations."""
    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    """A test that starts real worker processes must say so (`-m "not worker"` skips it)."""
    unmarked = [item.nodeid for item in items
                if {"worker", "workers"} & set(getattr(item, "fixturenames", ()))
                and item.get_closest_marker("worker") is None]
    if unmarked:
        raise pytest.UsageError("Mark these real-worker tests with pytest.mark.worker: "
                                + ", ".join(unmarked))
