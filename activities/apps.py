from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities"

    def ready(self):
        from curriculum.importer import register_section

        from .importer import ActivitiesSection

        register_section("activities", ActivitiesSection())
