from pathlib import Path

from django.conf import settings

from .importer import import_file

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def import_all_fixtures():
    """Reference data, then every curriculum, then the schedule templates."""
    results = [import_file(path) for path in sorted((FIXTURES_DIR / "reference").glob("*.yaml"))]
    for folder in ("curricula", "schedules", "checklists", "surveys"):
        results += [import_file(path) for path in sorted((FIXTURES_DIR / folder).glob("*.yaml"))]
    return results
