"""Checks of an agenda, shown beside the slots: errors block publication, warnings inform."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

import holidays

from accounts.times import local, local_date

from .models import SlotKind

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Issue:
    level: str
    code: str
    message: str


@dataclass
class Report:
    by_slot: dict
    by_day: dict

    @property
    def errors(self):
        return [i for issues in [*self.by_slot.values(), *self.by_day.values()]
                for i in issues if i.level == ERROR]

    @property
    def warnings(self):
        return [i for issues in [*self.by_slot.values(), *self.by_day.values()]
                for i in issues if i.level == WARNING]


def _hm(instant, tz):
    return local(instant, tz).strftime("%a %d %b %H:%M")


def _overlaps(ordered, tz, by_slot):
    """Any slot starting before an earlier one has ended."""
    latest = None
    for slot in ordered:
        if latest is not None and slot.start < latest.end:
            by_slot[slot.pk].append(Issue(ERROR, "overlap",
                                          f"Overlaps “{latest.title}” (until {_hm(latest.end, tz)})."))
            by_slot[latest.pk].append(Issue(ERROR, "overlap",
                                            f"Overlaps “{slot.title}” (from {_hm(slot.start, tz)})."))
        if latest is None or slot.end > latest.end:
            latest = slot


def _offline_before_online(ordered, tz, by_slot):
    """A module's offline element must come after its online element."""
    online_end = {}
    for slot in ordered:
        if slot.kind == SlotKind.ONLINE and slot.module_id:
            online_end[slot.module_id] = max(online_end.get(slot.module_id, slot.end), slot.end)
    for slot in ordered:
        if slot.kind == SlotKind.OFFLINE and slot.module_id in online_end \
                and slot.start < online_end[slot.module_id]:
            by_slot[slot.pk].append(Issue(
                ERROR, "offline_before_online",
                f"Module {slot.module.number}'s offline element starts before its online "
                f"element ends ({_hm(online_end[slot.module_id], tz)})."))


def _recaps_before_offline_work(ordered, tz, by_slot):
    """A recap of an activity (an online part) must start after the offline work on its
    earlier parts has ended."""
    offline_parts = [(part, slot) for slot in ordered if slot.kind == SlotKind.OFFLINE
                     for part in slot.activity_parts.all()]
    online = [(slot, part) for slot in ordered if slot.kind == SlotKind.ONLINE
              for part in slot.activity_parts.all()]
    for slot, part in online:
        for earlier, offline_slot in offline_parts:
            if earlier.activity_id == part.activity_id and earlier.position < part.position \
                    and slot.start < offline_slot.end:
                by_slot[slot.pk].append(Issue(
                    ERROR, "recap_before_offline",
                    f"Recap of Activity {part.activity.number} ({part.label}) starts before "
                    f"the offline work on {earlier.label} ends ({_hm(offline_slot.end, tz)})."))


def _long_days(days, max_day_hours, by_day):
    for day, day_slots in days.items():
        length = max(s.end for s in day_slots) - min(s.start for s in day_slots)
        if length > datetime.timedelta(hours=max_day_hours):
            hours = length.total_seconds() / 3600
            by_day[day].append(Issue(WARNING, "long_day",
                                     f"This day lasts {hours:.1f} hours (more than "
                                     f"{max_day_hours})."))


def _modules_far_apart(ordered, tz, max_gap_days, by_day):
    module_days = defaultdict(list)
    for slot in ordered:
        if slot.module_id and slot.kind in (SlotKind.ONLINE, SlotKind.OFFLINE):
            module_days[slot.module.number].append(local_date(slot.start, tz))
    numbers = sorted(module_days)
    for previous, current in zip(numbers, numbers[1:], strict=False):
        gap = (min(module_days[current]) - max(module_days[previous])).days
        if gap > max_gap_days:
            by_day[min(module_days[current])].append(Issue(
                WARNING, "modules_far_apart",
                f"{gap} days between Module {previous} and Module {current} (the guide asks "
                f"not to space sessions too far apart; limit {max_gap_days})."))


def _country_holidays(country, years):
    if country.code not in holidays.list_supported_countries():
        return {}
    return holidays.country_holidays(country.code, years=years)


def _dates_to_avoid(training, days, blocked_dates, by_day):
    """Weekends, public holidays, dates named in the scoping survey."""
    if not days:
        return
    country = _country_holidays(training.country, {day.year for day in days})
    weekend = getattr(country, "weekend", {5, 6})
    avoid = {entry["date"]: entry.get("label", "") for entry in blocked_dates}
    name = training.country.name
    for day in days:
        if day.weekday() in weekend:
            by_day[day].append(Issue(WARNING, "weekend", f"{day:%A} is a weekend day in {name}."))
        if day in country:
            by_day[day].append(Issue(WARNING, "holiday",
                                     f"Public holiday in {name}: {country.get(day)}."))
        if day.isoformat() in avoid:
            label = avoid[day.isoformat()] or "no reason given"
            by_day[day].append(Issue(WARNING, "survey_date",
                                     f"Named in the scoping survey as a date to avoid: {label}."))


def check(*, training, slots, max_day_hours=8, max_gap_days=7, blocked_dates=()):
    """`slots` must have `module` and `activity_parts__activity` loaded."""
    tz = training.time_zone
    by_slot, by_day = defaultdict(list), defaultdict(list)
    ordered = sorted(slots, key=lambda s: (s.start, s.end, s.pk or 0))
    days = defaultdict(list)
    for slot in ordered:
        days[local_date(slot.start, tz)].append(slot)
    _overlaps(ordered, tz, by_slot)
    _offline_before_online(ordered, tz, by_slot)
    _recaps_before_offline_work(ordered, tz, by_slot)
    _long_days(days, max_day_hours, by_day)
    _modules_far_apart(ordered, tz, max_gap_days, by_day)
    _dates_to_avoid(training, days, blocked_dates, by_day)
    return Report(by_slot=dict(by_slot), by_day=dict(by_day))
