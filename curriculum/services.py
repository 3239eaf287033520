from pathlib import Path

from django.conf import settings

from .importer import import_file

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def import_all_fixtures():
    """Reference data first, then every curriculum in fixtures/curricula/."""
    results = [import_file(path) for path in sorted((FIXTURES_DIR / "reference").glob("*.yaml"))]
    results += [
        import_file(path)
        for path in sorted((FIXTURES_DIR / "curricula").glob("*.yaml"))
        if not path.name.startswith("_")
    ]
    return results
