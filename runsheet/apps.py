from django.apps import AppConfig


class RunsheetConfig(AppConfig):
    name = "runsheet"
    verbose_name = "Run mode"

    def ready(self):
        from trainings.navigation import AFTER, ROOM, Tab, register_tab

        register_tab(Tab("Run mode", "runsheet:run", 26, perm="runsheet.run",
                         active_for=("runsheet:run",), group=ROOM))
        register_tab(Tab("Attendance", "runsheet:attendance", 30,
                         perm="runsheet.view_attendance", active_for=("runsheet:attendance",),
                         group=AFTER))
