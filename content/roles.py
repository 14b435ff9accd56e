"""The newsroom roles, as Groups: Authors write their own articles, Editors run the paper.

Made after every `migrate` when missing (a `post_migrate` receiver, as Django makes its
permissions), so that a database emptied by `flush` gets them back with its permissions;
a role that staff changed in the admin is left as it is.
"""

from django.contrib.auth.models import Group, Permission

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


def create_missing_roles(using, **kwargs):
    """post_migrate receiver of the content app: its permissions exist by then."""
    for role, codenames in ROLES.items():
        group, created = Group.objects.using(using).get_or_create(name=role)
        if created:
            group.permissions.set(
                Permission.objects.using(using).filter(
                    content_type__app_label="content", codename__in=codenames
                )
            )
