from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from content import roles, sessions, versions  # noqa: F401 (sessions: its receiver)

        versions.connect()
        post_migrate.connect(roles.create_missing_roles, sender=self)
