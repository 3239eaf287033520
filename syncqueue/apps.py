from django.apps import AppConfig


class SyncqueueConfig(AppConfig):
    name = "syncqueue"
    verbose_name = "Offline event queue"
