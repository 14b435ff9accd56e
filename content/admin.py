"""Django admin: where staff write, schedule, publish and moderate.

Roles are the Groups made by migration 0002: Authors add and change only their
own articles; Editors change every article, publish, and moderate comments.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from content.models import (
    PUBLICATION_FIELDS,
    Article,
    Bookmark,
    Comment,
    Like,
    Tag,
    User,
    can_change_any_article,
    can_publish_articles,
    owns_or_edits,
)
from content.services import article_publish, article_unpublish, comment_set_hidden


@admin.register(User)
class GazetteUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Public author profile", {"fields": ("display_name", "bio")}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "article_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, tag):
        return tag.article_count


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft / scheduled / published, as readers see it (status and time together)."""

    title = "publication state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "published":
            return queryset.published()
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "state", "published_at", "is_featured", "updated_at")
    list_filter = (
        PublicationStateFilter,
        "status",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
        "published_at",
        "is_featured",
    )
    list_select_related = ("author",)
    search_fields = ("title", "summary", "slug", "author__username", "author__display_name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("author", "tags")
    readonly_fields = ("body_preview", "cover_size", "created_at", "updated_at")
    actions = ("publish_selected", "unpublish_selected")
    show_facets = admin.ShowFacets.NEVER  # facet counts cost a query per filter choice
    fieldsets = (
        (None, {"fields": ("title", "slug", "author", "summary", "body", "tags")}),
        ("Publication", {"fields": ("status", "published_at", "is_featured")}),
        ("Cover image", {"fields": ("cover_image", "cover_alt", "cover_size")}),
        ("Search engines", {"fields": ("seo_description",)}),
        ("Preview", {"fields": ("body_preview",), "classes": ("collapse",)}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    # --- Roles: Authors only ever reach their own articles ------------------------

    def get_queryset(self, request):
        articles = super().get_queryset(request)
        if can_change_any_article(request.user):
            return articles
        return articles.filter(author=request.user)

    def get_object(self, request, object_id, from_field=None):
        # Django redirects to the index when the object is outside get_queryset();
        # another author's article must be a plain 404 by URL, like a missing one.
        article = super().get_object(request, object_id, from_field)
        if article is None:
            raise Http404("No such article.")
        return article

    def _owns_or_edits(self, request, article):
        return article is None or owns_or_edits(request.user, article)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_publish_permission(self, request):
        return can_publish_articles(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_change_any_article(request.user):
            fields.append("author")
        if not self.has_publish_permission(request):
            fields += PUBLICATION_FIELDS
        return fields

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if not change and not can_change_any_article(request.user):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    # --- Display -----------------------------------------------------------------

    @admin.display(description="State")
    def state(self, article):
        return article.state_label

    @admin.display(description="Rendered body (as readers see it)")
    def body_preview(self, article):
        # body_html was sanitized by content.markdown when the article was saved.
        return format_html(
            '<div class="gazette-body-preview">{}</div>',
            mark_safe(article.body_html),  # noqa: S308
        )

    @admin.display(description="Image size")
    def cover_size(self, article):
        if not article.cover_image:
            return "—"
        return f"{article.cover_width} × {article.cover_height} px"

    # --- Bulk actions ---------------------------------------------------------------

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        for article in queryset:
            article_publish(article=article)
        self.message_user(request, f"Published {len(queryset)} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        for article in queryset:
            article_unpublish(article=article)
        self.message_user(request, f"Unpublished {len(queryset)} article(s).", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "author", "article_link", "created_at", "is_hidden")
    list_filter = ("is_hidden", "created_at")
    list_select_related = ("author", "article")
    search_fields = ("body", "author__username", "article__title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("author",)
    raw_id_fields = ("article",)
    readonly_fields = ("created_at", "edited_at", "article_link")
    fields = ("article", "article_link", "author", "body", "is_hidden", "created_at", "edited_at")
    actions = ("hide_selected", "show_selected")
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, comment):
        if comment.article_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">on site</a>)',
            reverse("admin:content_article_change", args=[comment.article_id]),
            comment.article.title,
            comment.get_absolute_url(),
        )

    def _set_hidden(self, request, queryset, *, hidden):
        for comment in queryset:
            comment_set_hidden(comment=comment, by=request.user, hidden=hidden)
        verb = "Hid" if hidden else "Showed"
        self.message_user(request, f"{verb} {len(queryset)} comment(s).", messages.SUCCESS)

    @admin.action(description="Hide selected comments from readers", permissions=["change"])
    def hide_selected(self, request, queryset):
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description="Show selected comments again", permissions=["change"])
    def show_selected(self, request, queryset):
        self._set_hidden(request, queryset, hidden=False)


class ReaderActionAdmin(admin.ModelAdmin):
    """Likes and bookmarks: readers make them; staff may look and clean up."""

    list_display = ("user", "article", "created_at")
    list_select_related = ("user", "article")
    search_fields = ("user__username", "article__title")
    autocomplete_fields = ("user",)
    raw_id_fields = ("article",)
    date_hierarchy = "created_at"


admin.site.register(Like, ReaderActionAdmin)
admin.site.register(Bookmark, ReaderActionAdmin)
