"""Who may call an endpoint, before any input is read.

These are gates; the rules themselves (the edit window, who may hide) stay in
content/services.py, which every write goes through and which refuse on their own.
"""

from rest_framework.permissions import SAFE_METHODS, IsAuthenticatedOrReadOnly

from content import services


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
