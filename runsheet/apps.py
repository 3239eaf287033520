from django.apps import AppConfig


class RunsheetConfig(AppConfig):
    name = "runsheet"
    verbose_name = "Run mode"

    def ready(self):
        from trainings.navigation import Tab, register_tab

        register_tab(Tab("Run mode", "runsheet:run", 27, perm="runsheet.run",
                         active_for=("runsheet:run",)))
