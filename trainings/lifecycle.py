"""What a change of status does, told before it is done, and what a duplicate copies.

The statuses are owned here (trainings), but their effects belong to higher apps: the closing
evaluation (evaluation), the thank-you with the outcome summary (notes), certificates
(documents), the agenda and checklist of a copy (scheduling). Each registers itself in its
`AppConfig.ready()`, so this app never imports them:

- `register_effect(status, describe)`: `describe(training, status)` returns the `Line`s a
  person reads on the confirmation page before moving `training` to `status`. The effects
  themselves follow from the new status (evaluation.selectors.is_open, the planned messages
  re-planned after commit through trainings.changes), so describing is all a hook does.
- `register_copier(option, label, copy)`: an option of "Duplicate" (a checkbox);
  `copy(source=, copy=, actor=)` runs inside the duplicate's transaction.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Line:
    """One effect as a sentence; `when` (an instant) is printed after it through the time
    helper in the training's zone; `url`/`link` add a link after it."""

    text: str
    when: object = None
    url: str = ""
    link: str = ""


_EFFECTS = []
_COPIERS = {}


def register_effect(status, describe):
    if (status, describe) not in _EFFECTS:
        _EFFECTS.append((status, describe))


def effects(training, status):
    """Every registered effect of moving `training` to `status`, as `Line`s."""
    return [line for wanted, describe in _EFFECTS if wanted == status
            for line in describe(training, status)]


def register_copier(option, label, copy):
    _COPIERS[option] = (label, copy)


def copy_options():
    """[(option, label)] of the registered copiers, in registration order."""
    return [(option, label) for option, (label, _copy) in _COPIERS.items()]


def run_copier(option, *, source, copy, actor):
    _COPIERS[option][1](source=source, copy=copy, actor=actor)
