from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from trainings.navigation import AFTER, Tab, register_tab

        register_tab(Tab("Documents", "documents:list", 34, perm="documents.view",
                         active_for=("documents:list",), group=AFTER))

        register_tab(Tab("Certificates", "documents:certificates", 35,
                         perm="documents.manage_certificates",
                         active_for=("documents:certificates", "documents:issue_all",
                                     "documents:logo_add", "documents:logo_remove",
                                     "documents:signatory_add", "documents:signatory_remove"),
                         group=AFTER))

        from . import lifecycle_effects, messages  # noqa: F401 - lifecycle hooks, outbox kinds
        from .next_items import SOURCES  # noqa: F401 - registers its "What to do next" sources
