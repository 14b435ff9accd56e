"""The admin's side of readers' reports (content.admin's comment list uses these): the
open-report count and filters moderators sort and filter by, and the reports
themselves, read-only (readers write them; a moderator's hiding or showing of the
comment resolves them: content.services.comment_set_hidden)."""

from django.contrib import admin
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from content.models import CommentReport, can_moderate_comments

OPEN = CommentReport.Resolution.OPEN


class ModeratorsRead:
    """Reports are read by whoever moderates comments (no permissions of their own, so
    the Editors role needs no change), and written by no one here: readers make them,
    the comment list's actions resolve them."""

    def has_view_permission(self, request, obj=None):
        return can_moderate_comments(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def open_report_count():
    """A comment's open reports: one subquery (the `report_open` index), no join that
    would multiply rows or group the whole list."""
    counts = (
        CommentReport.objects.filter(comment=OuterRef("pk"), resolution=OPEN)
        .order_by()
        .values("comment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def with_open_reports(comments):
    return comments.annotate(open_reports=open_report_count())


# Moderators see what readers reported first, then what the site held, then the newest.
# An expression, not the annotation's name: other admins' choices of a comment are
# ordered by it too, on querysets without the annotation.
REPORTED_FIRST = (open_report_count().desc(), F("awaiting_moderation").desc(), "-created_at")


class OpenReportsFilter(admin.SimpleListFilter):
    title = "open reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Has open reports"), ("no", "No open reports")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "no":
            return queryset.filter(open_reports=0)
        return queryset


class CommentReportInline(ModeratorsRead, admin.TabularInline):
    """A comment's reports on its change page: who, why, and how each was resolved."""

    model = CommentReport
    fk_name = "comment"
    extra = 0
    can_delete = False
    fields = ("reporter", "reason", "created_at", "resolution", "resolved_by", "resolved_at")
    readonly_fields = fields
    ordering = ("-created_at",)


@admin.register(CommentReport)
class CommentReportAdmin(ModeratorsRead, admin.ModelAdmin):
    """Every report, read-only: moderators decide on the comment (hide or show it)."""

    list_display = ("comment_excerpt", "reason", "reporter", "created_at", "resolution")
    list_filter = ("resolution", "reason")
    list_select_related = ("comment", "reporter")
    search_fields = ("comment__body", "reporter__username")
    raw_id_fields = ("comment",)
    date_hierarchy = "created_at"
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="Comment")
    def comment_excerpt(self, report):
        return report.comment.body[:80]

    def has_module_permission(self, request):
        return can_moderate_comments(request.user)
