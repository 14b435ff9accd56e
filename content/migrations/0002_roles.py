"""The newsroom roles, as Groups: Authors write their own articles, Editors run the paper."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Authors": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "add_tag",
        "view_tag",
    ],
    "Editors": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "change_any_article",
        "publish_article",
        "add_tag",
        "change_tag",
        "delete_tag",
        "view_tag",
        "change_comment",
        "delete_comment",
        "view_comment",
        "view_like",
        "view_bookmark",
        "view_user",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="content", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
