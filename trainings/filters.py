"""Filters of the training's long lists (django-filter), see docs/lists.md. The audit log:
by what happened (the actions recorded on this training) and by who did it. A value the
form does not offer is refused with a message next to its field and filters nothing."""

import django_filters

from .models import AuditEntry

SYSTEM = "system"


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label="What", empty_label="Everything",
        error_messages={"invalid_choice": "Choose what happened from the list."})
    who = django_filters.ChoiceFilter(
        label="Who", method="by_who", empty_label="Anyone",
        error_messages={"invalid_choice": "Choose who from the list."})

    class Meta:
        model = AuditEntry
        fields = ["action"]

    def __init__(self, data, *, training):
        rows = AuditEntry.objects.filter(training=training).select_related("actor")
        super().__init__(data, queryset=rows)
        actions = (AuditEntry.objects.filter(training=training).order_by("action")
                   .values_list("action", flat=True).distinct())
        self.filters["action"].extra["choices"] = [(a, a[:1].upper() + a[1:]) for a in actions]
        actors = {}
        for entry in (AuditEntry.objects.filter(training=training, actor__isnull=False)
                      .select_related("actor").distinct("actor_id").order_by("actor_id")):
            actors[f"user-{entry.actor_id}"] = str(entry.actor)
        self.filters["who"].extra["choices"] = [
            (SYSTEM, "The platform (no person)"),
            *sorted(actors.items(), key=lambda pair: pair[1].lower())]

    def by_who(self, queryset, _name, value):
        if value == SYSTEM:
            return queryset.filter(actor__isnull=True)
        return queryset.filter(actor_id=int(value.removeprefix("user-")))

    def chosen(self):
        """{key: value} of the valid filters in force (kept in the page links)."""
        cleaned = self.form.cleaned_data if self.is_bound and self.errors is not None else {}
        return {key: cleaned[key] for key in ("action", "who") if cleaned.get(key)}
