"""Who may call an endpoint, before any input is read.

These are gates; the rules themselves (the edit window, who may hide) stay in
content/services.py, which every write goes through and which refuse on their own.
"""

from rest_framework.permissions import SAFE_METHODS, IsAuthenticatedOrReadOnly

from content import services
from content.models import (
    can_add_articles,
    can_change_article,
    can_delete_article,
    can_publish_articles,
)


class CommentPermission(IsAuthenticatedOrReadOnly):
    """Anyone may read a comment they can see; only its author or a moderator may try
    to change it, so a stranger's PATCH is a 403 however malformed its body."""

    message = "Only the comment's author or a moderator can change it."

    def has_object_permission(self, request, view, comment):
        if request.method in SAFE_METHODS:
            return True
        # Whoever may delete a comment (its author, a moderator) may also try to edit
        # or hide it; the service then applies the finer rule.
        return services.can_delete_comment(request.user, comment)


class ArticlePermission(IsAuthenticatedOrReadOnly):
    """Anyone reads the articles they can see; staff with the add permission create
    them, and change or delete the ones the admin lets them (Authors: their own).
    An article you cannot see is a 404 before this is asked; one you can see but may
    not change is a 403."""

    message = "Only the newsroom writes articles, and Authors only their own."

    def has_permission(self, request, view):
        if request.method == "POST":
            return can_add_articles(request.user)
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, article):
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return can_delete_article(request.user, article)
        return can_change_article(request.user, article)


class PublishPermission(IsAuthenticatedOrReadOnly):
    """Editors publish, schedule and unpublish; the admin's publish permission."""

    message = "Only editors publish, schedule and unpublish articles."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and can_publish_articles(request.user)
