import os
from pathlib import Path

import pytest
from django.conf import settings

from tests import xdist_groups
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
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):
    """The test database with every fixture (reference data, curricula, schedules, checklists,
    surveys) imported, built once and cloned from a PostgreSQL template afterwards
    (tests/dbtemplate.py); each xdist worker gets its own (suffix _gw0, _gw1...). Tests run in
    a transaction on top of it; pytest-django runs the transactional tests (which empty the
    database when they end) after all the others, and `tests.builders.seed_curriculum` refills
    it where one of them emptied it. --reuse-db and --nomigrations keep pytest-django's way."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from curriculum.services import import_all_fixtures
    from tests import dbtemplate

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose

    def setup(keepdb):
        return setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                               serialized_aliases=serialized_aliases, keepdb=keepdb)

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        if keepdb or not django_db_use_migrations:
            if not django_db_use_migrations:
                _disable_migrations()
            db_cfg = setup(keepdb)
            import_all_fixtures()
        else:
            db_cfg = dbtemplate.setup_test_database(setup, import_all_fixtures)
        dbtemplate.take_snapshot()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            dbtemplate.end_other_sessions()
            teardown_databases(db_cfg, verbosity=verbosity)


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
    from tests.browser.login import new_page

    page = new_page(browser, live_server)
    yield page
    page.context.close()


def pytest_collection_modifyitems(config, items):
    """A test that starts real worker processes must say so (`-m "not worker"` skips it)."""
    unmarked = [item.nodeid for item in items
                if {"worker", "workers"} & set(getattr(item, "fixturenames", ()))
                and item.get_closest_marker("worker") is None]
    if unmarked:
        raise pytest.UsageError("Mark these real-worker tests with pytest.mark.worker: "
                                + ", ".join(unmarked))
    xdist_groups.write_groups(config, items)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, on the controller: where the workers write each test's group."""
    node.workerinput[xdist_groups.KEY] = xdist_groups.groups_dir(node.config)


def pytest_unconfigure(config):
    xdist_groups.remove_groups_dir(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (pyproject.toml) means the groups of tests/xdist_groups.py."""
    if config.getvalue("dist") == "loadgroup":
        return xdist_groups.make_scheduler(config, log)
    return None
