from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self):
        # Registers the schema extensions before any schema is generated.
        from api import schema  # noqa: F401
