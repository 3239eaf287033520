from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from trainings.navigation import Tab, register_tab

        register_tab(Tab("Documents", "documents:list", 34, perm="documents.view",
                         active_for=("documents:list",)))
