from django.apps import AppConfig


class RunsheetConfig(AppConfig):
    name = "runsheet"
    verbose_name = "Run mode"

    def ready(self):
        from trainings.navigation import ROOM, Tab, register_tab

        register_tab(Tab("Run mode", "runsheet:run", 26, perm="runsheet.run",
                         active_for=("runsheet:run",), group=ROOM))
