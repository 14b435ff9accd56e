from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self):
        from content import roles, versions

        versions.connect()
        post_migrate.connect(roles.create_missing_roles, sender=self)
