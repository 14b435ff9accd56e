from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and the development superuser: not part of the domain."""

    name = "demo"
    verbose_name = "Demo content"
