"""The checklist page's filters (django-filter): by owner (me, a member of the team, nobody)
and by status (open, done, overdue). A value the page does not offer is refused with a
message next to its field and the list is left unfiltered by it."""

import django_filters
from django.utils import timezone

from trainings.rules import training_roles

from .models import ChecklistItem
from .selectors import owner_roles_of

STATUS_CHOICES = [("open", "Open (to do or in progress)"), ("done", "Done or not applicable"),
                  ("overdue", "Overdue")]
FILTER_KEYS = ("owner", "status")


class ChecklistFilter(django_filters.FilterSet):
    owner = django_filters.ChoiceFilter(
        label="Owner", method="by_owner", empty_label="Anyone", error_messages={
            "invalid_choice": "Choose an owner from the list (me, a member or nobody)."})
    status = django_filters.ChoiceFilter(
        label="Status", method="by_status", choices=STATUS_CHOICES, empty_label="Any status",
        error_messages={"invalid_choice": "Choose open, done or overdue."})

    class Meta:
        model = ChecklistItem
        fields = []

    def __init__(self, data, queryset, *, user, training, holders):
        """`holders` is {owner role: [users]} (selectors.checklist_holders)."""
        super().__init__(data, queryset=queryset)
        self.user, self.training = user, training
        self.roles_of = {}
        for role, users in holders.items():
            for person in users:
                self.roles_of.setdefault(person.pk, (person, set()))[1].add(role)
        self.held = owner_roles_of({role for role, users in holders.items() if users})
        members = sorted(self.roles_of.values(), key=lambda pair: str(pair[0]).lower())
        self.filters["owner"].extra["choices"] = [
            ("me", "Me (the items of my roles)"),
            ("nobody", "Nobody (no one in the team holds the role)"),
            *((f"member-{person.pk}", str(person)) for person, _roles in members)]

    def by_owner(self, queryset, _name, value):
        if value == "me":
            owners = owner_roles_of(training_roles(self.user, self.training))
            return queryset.filter(owner__in=owners)
        if value == "nobody":
            return queryset.exclude(owner__in=self.held)
        person_pk = int(value.removeprefix("member-"))
        return queryset.filter(owner__in=owner_roles_of(self.roles_of[person_pk][1]))

    def by_status(self, queryset, _name, value):
        if value == "done":
            return queryset.exclude(status__in=ChecklistItem.OPEN)
        queryset = queryset.filter(status__in=ChecklistItem.OPEN)
        if value == "overdue":
            queryset = queryset.filter(due_at__lt=timezone.now())
        return queryset

    def chosen(self):
        """{key: value} of the filters in force (the valid ones)."""
        cleaned = self.form.cleaned_data if self.is_bound and self.errors is not None else {}
        return {key: cleaned[key] for key in FILTER_KEYS if cleaned.get(key)}
