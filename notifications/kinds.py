"""Message kinds: one module per kind, registered by the app that owns the subject.

`notifications` sits low in the stack and knows no training, nomination or slot. Each app
declares its kinds (e.g. `trainings/messages/invitation.py`) as a subclass of `Kind` and
registers it in its `AppConfig.ready()`; the outbox asks the kind what it needs to know.
Adding a kind is one module, one template pair (`<template>.txt`, first line the subject,
and `<template>.html`) and one test module.
"""

import dataclasses
import datetime

_REGISTRY = {}


@dataclasses.dataclass
class Planned:
    """A message a planned kind wants for a training from now on."""

    key: str
    address: str
    send_at: datetime.datetime
    recipient: object = None
    context: dict = dataclasses.field(default_factory=dict)
    kind: str = ""


class Kind:
    """What makes a message wanted, when it is sent, its content, who may mute it.

    name: stored on the row; label: shown in the outbox and the mute settings;
    template: the template pair's path without extension; mutable: a recipient may mute it;
    planned: messages come from `plan(training, now)` and are re-planned when the training
    changes (otherwise they are queued by a service at the moment of the event);
    render_at_send: content is built when sent (from `context`), not when queued.
    """

    name = ""
    label = ""
    template = ""
    mutable = False
    planned = False
    render_at_send = False

    def plan(self, training, *, now, people):
        """Planned kinds: the `Planned` messages the training should have from now on.
        `people` is the training's `People` (loaded once for every kind)."""
        return []

    def unwanted(self, message):
        """At send time: a reason to cancel the message instead of sending it, or None."""
        return None

    def context(self, message):
        """At send time (render_at_send kinds): the template context from `message.context`."""
        return {}

    def calendar(self, message, context):
        """An .ics (bytes) for a message about a dated thing, or None."""
        return None


def register(kind_class):
    """Class decorator: register a kind (once per name)."""
    kind = kind_class()
    if not kind.name or not kind.template and kind.name != "legacy":
        raise ValueError(f"{kind_class.__name__} needs a name and a template")
    _REGISTRY[kind.name] = kind
    return kind_class


def get(name):
    return _REGISTRY.get(name) or _REGISTRY["legacy"]


def all_kinds():
    return sorted(_REGISTRY.values(), key=lambda kind: kind.label)


def planned_kinds():
    return [kind for kind in _REGISTRY.values() if kind.planned]


def mutable_kinds():
    return [kind for kind in all_kinds() if kind.mutable]


@register
class Legacy(Kind):
    """Emails queued before the outbox existed (already rendered)."""

    name = "legacy"
    label = "Email (before the outbox)"
