from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Notes and questions"

    def ready(self):
        from trainings.navigation import Tab, register_tab

        register_tab(Tab("Questions", "notes:questions", 28, perm="notes.view_questions",
                         active_for=("notes:questions",)))
