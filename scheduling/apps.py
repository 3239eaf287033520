from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from curriculum.importer import register_kind

        from . import (
            messages,  # noqa: F401 - registers the message kinds with the outbox
            receivers,  # noqa: F401 - connects to the trainings signals
        )
        from .importer import import_schedule_templates

        register_kind("schedule_templates", import_schedule_templates)

        from .checklist_importer import import_checklist_template

        register_kind("checklist_template", import_checklist_template)

        from trainings.navigation import Tab, register_tab

        register_tab(Tab("Agenda", "scheduling:agenda", 20,
                         active_for=("scheduling:agenda", "scheduling:mine", "scheduling:now")))
        register_tab(Tab("Checklist", "scheduling:checklist", 25, perm="scheduling.view_checklist",
                         active_for=("scheduling:checklist",)))

        from . import lifecycle_effects  # noqa: F401 - lifecycle hooks
        from .next_items import SOURCES  # noqa: F401 - registers its "What to do next" sources
