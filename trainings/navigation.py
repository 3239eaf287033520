"""The tabs of a training's pages, in three groups (Plan, In the room, After). Higher apps
(agenda, run mode, notes...) add theirs in their AppConfig.ready(), so this app never needs
to know them.

A tab's `perm` is exactly the permission its view asks (`get_training(request, pk, perm)`),
so a tab is shown to a user if and only if following it answers 200: no tab leads to a 403
or a 404 (tests/trainings/test_navigation_roles.py follows every tab for every role)."""

from dataclasses import dataclass

PLAN, ROOM, AFTER = "plan", "room", "after"
GROUPS = ((PLAN, "Plan"), (ROOM, "In the room"), (AFTER, "After"))


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str
    order: int
    perm: str = "trainings.view_training"
    active_for: tuple = ()   # url names (or "app:" prefixes) that light this tab up
    group: str = PLAN


_TABS = []


def register_tab(tab):
    if tab.group not in dict(GROUPS):
        raise ValueError(f"Tab {tab.label!r}: unknown group {tab.group!r}.")
    if all(t.url_name != tab.url_name for t in _TABS):
        _TABS.append(tab)
        _TABS.sort(key=lambda t: t.order)


def tabs():
    return list(_TABS)


def grouped(tabs_shown):
    """[(group key, group label, [tabs])] in the order of GROUPS, empty groups left out."""
    return [(key, label, members) for key, label in GROUPS
            if (members := [t for t in tabs_shown if t.group == key])]


register_tab(Tab("Overview", "trainings:detail", 10, active_for=("trainings:detail",
                                                                  "trainings:edit",
                                                                  "trainings:status",
                                                                  "trainings:duplicate",
                                                                  "trainings:cancel")))
register_tab(Tab("Team", "trainings:team", 12, perm="trainings.view_team",
                 active_for=("trainings:team",)))
register_tab(Tab("Nominations", "trainings:nominations", 14, perm="trainings.view_roster",
                 active_for=("trainings:nominations", "trainings:nominate",
                             "trainings:upload_csv", "trainings:decide", "trainings:withdraw")))
register_tab(Tab("Scoping survey", "trainings:survey", 16, perm="trainings.view_survey",
                 active_for=("trainings:survey",)))
register_tab(Tab("Country profile", "trainings:country_profile", 18,
                 perm="trainings.view_country_profile",
                 active_for=("trainings:country_profile",)))
register_tab(Tab("Announcements", "trainings:announcements", 84,
                 perm="trainings.view_announcements",
                 active_for=("trainings:announcements", "trainings:announcement_new")))
register_tab(Tab("Outbox", "trainings:outbox", 85, perm="trainings.view_outbox",
                 active_for=("trainings:outbox", "trainings:outbox_message")))
register_tab(Tab("Audit log", "trainings:audit", 90, perm="trainings.view_audit",
                 active_for=("trainings:audit",), group=AFTER))
