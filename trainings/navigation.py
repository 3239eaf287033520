"""The tabs of a training's pages. Higher apps (agenda, run mode, notes...) add theirs in
their AppConfig.ready(), so this app never needs to know them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str
    order: int
    perm: str = "trainings.view_training"
    active_for: tuple = ()   # url names (or "app:" prefixes) that light this tab up


_TABS = []


def register_tab(tab):
    if all(t.url_name != tab.url_name for t in _TABS):
        _TABS.append(tab)
        _TABS.sort(key=lambda t: t.order)


def tabs():
    return list(_TABS)


register_tab(Tab("Overview", "trainings:detail", 10, active_for=("trainings:detail",
                                                                  "trainings:edit",
                                                                  "trainings:cancel")))
register_tab(Tab("Team", "trainings:team", 12, active_for=("trainings:team",)))
register_tab(Tab("Nominations", "trainings:nominations", 14, perm="trainings.view_roster",
                 active_for=("trainings:nominations", "trainings:nominate",
                             "trainings:upload_csv", "trainings:decide")))
register_tab(Tab("Scoping survey", "trainings:survey", 16, active_for=("trainings:survey",)))
register_tab(Tab("Country profile", "trainings:country_profile", 18,
                 active_for=("trainings:country_profile",)))
register_tab(Tab("Outbox", "trainings:outbox", 85, perm="trainings.view_outbox",
                 active_for=("trainings:outbox", "trainings:outbox_message")))
register_tab(Tab("Audit log", "trainings:audit", 90, perm="trainings.view_audit",
                 active_for=("trainings:audit",)))
