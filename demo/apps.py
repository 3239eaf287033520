from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Top of the layering: the seed_demo command, which calls each app's demo data."""

    name = "demo"
    verbose_name = "Demo data"
