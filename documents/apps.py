from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from trainings.navigation import AFTER, Tab, register_tab

        register_tab(Tab("Documents", "documents:list", 34, perm="documents.view",
                         active_for=("documents:list",), group=AFTER))

        from . import lifecycle_effects  # noqa: F401 - lifecycle hooks
        from .next_items import SOURCES  # noqa: F401 - registers its "What to do next" sources
