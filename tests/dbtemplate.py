"""The test database, built once and then cloned.

Migrating and importing every fixture costs seconds per process (more on a busy machine), and
each pytest-xdist worker has its own database. So the first process that needs it builds the
database as usual (migrate, then `import_all_fixtures`) and keeps a copy as a PostgreSQL
template named after a fingerprint of everything that shapes its contents (migrations,
fixtures, app code, pyproject.toml); later processes, and later runs while nothing changed,
clone it with `CREATE DATABASE ... TEMPLATE` (a fraction of a second). Building, cloning and
dropping stale templates happen under one PostgreSQL advisory lock, so two workers (or two
people's runs on the same server) never race. A changed migration or fixture changes the
fingerprint: the next run builds a new template and drops the old ones.

`restore_fixtures` refills the fixture tables after a transactional test emptied the database,
from a COPY snapshot taken at the start of the session (milliseconds instead of re-importing
the YAML files).
"""

import contextlib
import hashlib
import io
import os
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

PREFIX = "unct_tpl_"
LOCK_KEY = 0x756E_6374_7470  # "unct" "tp": one lock for every template build and clone
# Trees that do not shape the database's contents (tests/ does not: it only reads it).
SKIPPED = {".git", ".venv", "node_modules", "var", "static", "build", "tests", "docs", "bench",
           "__pycache__"}
# Tables that `flush` refills itself (the post_migrate signal): never restored from the snapshot.
REFILLED_BY_FLUSH = {"django_content_type", "auth_permission", "django_site"}

_snapshot = {}


def fingerprint():
    """A hash of the files that decide what a freshly built test database contains."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    paths = [root / "pyproject.toml"]
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not d.endswith(".egg-info"))
        for name in sorted(files):
            path = Path(folder) / name
            if name.endswith(".py") or root / "fixtures" in path.parents:
                paths.append(path)
    for path in paths:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _drop(cursor, name):
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _has_rows(cursor, table):
    cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - a table name
    return cursor.fetchone()[0]


def _drop_stale(cursor, keep):
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                   [PREFIX.replace("_", r"\_") + "%", keep])
    for (name,) in cursor.fetchall():
        with contextlib.suppress(DatabaseError):  # in use by someone: left for a later run
            _drop(cursor, name)


def setup_test_database(setup, import_fixtures):
    """Create this process's test database. `setup(keepdb)` is Django's setup_databases;
    `import_fixtures()` fills a freshly migrated database. Returns setup's config."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        config = setup(keepdb=False)
        import_fixtures()
        return config
    template = PREFIX + fingerprint()
    test_name = connection.creation._get_test_db_name()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            if _exists(cursor, template):
                _drop(cursor, test_name)
                cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
                return setup(keepdb=True)  # migrate finds nothing to do
            config = setup(keepdb=False)
            import_fixtures()
            connections.close_all()
            building = f"{template}_new"
            _drop(cursor, building)
            cursor.execute(f'CREATE DATABASE "{building}" TEMPLATE "{test_name}"')
            cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            _drop_stale(cursor, template)
            return config
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def end_other_sessions():
    """Before the test database is dropped: end the sessions still open on it (a real Celery
    worker stopped a moment ago, a thread's connection), which DROP DATABASE refuses."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [name])


def take_snapshot():
    """COPY every non-empty table that `flush` empties into memory (the fixtures as
    imported)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    _snapshot.clear()
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            if table in REFILLED_BY_FLUSH:
                continue
            if _has_rows(cursor, table):
                buffer = io.BytesIO()
                cursor.cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                _snapshot[table] = buffer.getvalue()


def restore_fixtures():
    """Put the snapshot back into an emptied database. False (nothing done) when there is no
    snapshot or a snapshot table is not empty (the caller then imports the fixtures)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    if not _snapshot:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _snapshot:
            if _has_rows(cursor, table):
                return False
        for table, data in _snapshot.items():
            cursor.cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(data))
        models = [m for m in apps.get_models(include_auto_created=True)
                  if m._meta.db_table in _snapshot]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    return True
