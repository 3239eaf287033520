from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Trainings"

    def ready(self):
        from . import messages  # noqa: F401 - registers the message kinds with the outbox
