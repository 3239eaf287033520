import datetime
import decimal

from ..models import AuditEntry


def _plain(value):
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if hasattr(value, "code"):  # django-countries Country
        return value.code
    if hasattr(value, "_meta"):
        return str(value)
    return value


def snapshot(obj, fields):
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before, after):
    return {name: [before.get(name), value] for name, value in after.items()
            if before.get(name) != value}


def entry(*, training, actor, action, obj, changes=None):
    return AuditEntry(
        training=training,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        changes=changes or {},
    )


def record(*, training, actor, action, obj, changes=None):
    return entry(training=training, actor=actor, action=action, obj=obj, changes=changes).save()
