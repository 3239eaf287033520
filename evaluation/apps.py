from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation"

    def ready(self):
        from curriculum.importer import register_kind
        from trainings.navigation import AFTER, Tab, register_tab

        from .importer import import_survey_set

        register_kind("survey_set", import_survey_set)

        from notes.outcome import register_section

        from .selectors import summary

        register_section("Evaluation", summary)
        register_tab(Tab("Evaluation", "evaluation:home", 33, perm="evaluation.open", active_for=(
            "evaluation:home", "evaluation:answer", "evaluation:answer_module",
            "evaluation:results", "evaluation:plan"), group=AFTER))

        from . import lifecycle_effects  # noqa: F401 - lifecycle hooks
        from .next_items import SOURCES  # noqa: F401 - registers its "What to do next" sources
