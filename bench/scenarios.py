"""What the benchmark measures. Each issue adds its pages to `pages` and figures to `figures`."""

import time

from accounts.services import ensure_user
from curriculum.importer import import_file
from curriculum.services import FIXTURES_DIR, import_all_fixtures


def prepare():
    import_all_fixtures()
    user = ensure_user(email="bench@example.org", full_name="Bench User", time_zone="Africa/Nairobi")
    return {"user": user, "slug": "remote-unct-training"}


def pages(context):
    slug = context["slug"]
    return [
        ("curriculum overview (4 modules)", f"/curricula/{slug}/"),
        ("session page (Session 1)", f"/curricula/{slug}/sessions/1/"),
        ("activity page (Activity 1)", f"/curricula/{slug}/activities/1/"),
        ("API: whole curriculum tree", f"/api/v1/curricula/{slug}"),
    ]


def figures(context):
    path = FIXTURES_DIR / "curricula" / "remote-unct-training.yaml"
    start = time.perf_counter()
    result = import_file(path)
    seconds = time.perf_counter() - start
    return [("re-import of the seed 000 curriculum (no changes)",
             f"{seconds * 1000:.0f} ms, {result.unchanged} records unchanged")]
