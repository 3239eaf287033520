"""How the audit log reads: each change as "Field label: before → after", with the fields'
human labels and choice labels instead of stored names and codes."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

EMPTY = "–"


def _model(object_type):
    for model in apps.get_app_config("trainings").get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def label(model, name):
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return capfirst(str(field.verbose_name))
    return capfirst(name.replace("_", " "))


def text(model, name, value):
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    field = _field(model, name)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(text(model, name, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{capfirst(str(k).replace('_', ' '))}: {text(None, '', v)}"
                         for k, v in value.items())
    return str(choices.get(value, value))


def change_rows(entry):
    """[(label, before, after)] of an AuditEntry's `changes` ({field: [before, after]})."""
    model = _model(entry.object_type)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for name, pair in changes.items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((label(model, name), text(model, name, before), text(model, name, after)))
    return rows
