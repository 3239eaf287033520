"""Default time zone of a country, from the IANA zone.tab shipped with tzdata."""

import functools
from importlib import resources


@functools.cache
def _zones_by_country():
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    zones = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coords, zone, *_ = line.split("\t")
        zones.setdefault(code, []).append(zone)
    return zones


def default_time_zone(country_code):
    """The first zone listed for the country (its capital's zone for single-zone countries)."""
    zones = _zones_by_country().get(str(country_code).upper(), [])
    return zones[0] if zones else "UTC"
