from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Notes and questions"

    def ready(self):
        from trainings.navigation import AFTER, ROOM, Tab, register_tab

        register_tab(Tab("Notes", "notes:index", 27, perm="notes.read_published_notes",
                         active_for=("notes:index", "notes:note", "notes:history"), group=ROOM))
        register_tab(Tab("Questions", "notes:questions", 28, perm="notes.view_questions",
                         active_for=("notes:questions",), group=ROOM))
        register_tab(Tab("Outputs", "notes:outputs", 29, perm="notes.read_all_notes",
                         active_for=("notes:outputs", "notes:output"), group=ROOM))
        register_tab(Tab("Recap board", "notes:recap", 31, perm="notes.read_all_notes",
                         active_for=("notes:recap",), group=ROOM))
        register_tab(Tab("Outcome", "notes:outcome", 32, perm="notes.read_published_notes",
                         active_for=("notes:outcome",), group=AFTER))

        from . import lifecycle_effects  # noqa: F401 - lifecycle hooks, thank-you kind
        from .next_items import SOURCES  # noqa: F401 - registers its "What to do next" sources
