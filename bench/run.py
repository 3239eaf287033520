#!/usr/bin/env python
"""Print server-side figures for the platform's pages next to a bare Django view.

Runs against a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL).
Each row: median and p90 server time over N requests through Django's test client
(middleware, view, template), and the SQL queries of one request. The ratio compares the
median with the bare view (one query + a template), our yardstick for framework overhead.

    make bench            # or: .venv/bin/python bench/run.py --runs 50
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402

from bench import scenarios  # noqa: E402


def measure(client, url, runs):
    client.get(url)  # warm caches and template loaders
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p90_ms": timings[int(len(timings) * 0.9) - 1],
        "queries": len(ctx.captured_queries),
        "bytes": len(response.content),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF="bench.bare",
                               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                               PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            context = scenarios.prepare()
            clients = {}
            for name in ("user", "staff"):
                clients[name] = Client()
                clients[name].force_login(context[name])
            rows = [("bare view: 1 query + template (+2 session, user)", "/__bench__/bare/",
                     "user")]
            rows += scenarios.pages(context)
            results = [(label, url, measure(clients[who], url, args.runs))
                       for label, url, who in rows]
            figures = scenarios.figures(context)
            moderator = Client()
            moderator.force_login(context["moderator"])
            figures += scenarios.run_mode_figures(context, moderator)
            rapporteur = Client()
            rapporteur.force_login(context["rapporteur"])
            figures += scenarios.autosave_figures(context, rapporteur)
            figures += scenarios.document_figures(context)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    bare = results[0][2]["median_ms"]
    vendor = connection.vendor
    print(f"\nServer time per request, {args.runs} runs each, database: {vendor}\n")
    header = f"{'page':<58} {'median ms':>9} {'p90 ms':>8} {'queries':>7} {'KB':>6} {'x bare':>7}"
    print(header)
    print("-" * len(header))
    for label, _url, r in results:
        print(f"{label:<58} {r['median_ms']:>9.2f} {r['p90_ms']:>8.2f} {r['queries']:>7} "
              f"{r['bytes'] / 1024:>6.1f} {r['median_ms'] / bare:>7.1f}")
    if figures:
        print()
        width = max(len(label) for label, _ in figures)
        for label, value in figures:
            print(f"{label:<{width}}  {value}")
    print()


if __name__ == "__main__":
    main()
