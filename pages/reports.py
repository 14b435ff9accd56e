"""Reporting a comment without JavaScript: a page with the reasons, then back to the
comment with a message (content.services.comment_report). With JavaScript too: a
dialog for something this rare would not fit the readers' JavaScript budget (12 KB)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from content import services
from content.models import Comment
from pages.forms import CommentReportForm
from pages.ratelimits import too_fast
from pages.views import comment_page

THANKS = "Thanks, a moderator will look at it."
ALREADY = "You have already reported this comment; a moderator will look at it."


def _page(request, comment, form, status=200):
    return comment_page(
        request, "pages/comment_report.html", comment, form, title="Report a comment", status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    """The reason form (GET), then the report (POST) and back to the comment."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article", "author"), pk=pk
    )
    if not services.can_report_comment(request.user, comment):
        raise PermissionDenied("Your own comment cannot be reported; you may delete it.")
    if request.method == "GET":
        return _page(request, comment, CommentReportForm())
    form = CommentReportForm(request.POST)
    if not form.is_valid():
        return _page(request, comment, form, status=400)
    if refused := too_fast(request, "reports"):
        form.add_error(None, refused.message)
        return refused.refuse(_page(request, comment, form, status=429))
    try:
        services.comment_report(comment=comment, by=request.user, **form.cleaned_data)
    except services.AlreadyReported:
        messages.info(request, ALREADY)
    else:
        messages.success(request, THANKS)
    return redirect(comment.get_absolute_url())
