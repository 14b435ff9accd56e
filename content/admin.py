"""Django admin: where staff write, schedule, publish and moderate.

Roles are the Groups made by migration 0002: Authors add and change only their
own articles; Editors change every article, publish, and moderate comments.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from content import services
from content.markdown import render_markdown
from content.models import (
    Article,
    Bookmark,
    Comment,
    Like,
    Tag,
    User,
    can_change_any_article,
)
from content.services import article_publish, article_unpublish, comment_set_hidden

# The change form's buttons and link that save nothing (see ArticleAdmin.changeform_view).
PREVIEW = "_preview"
DISCARD_AUTOSAVE = "_discard_autosave"
RESTORE_AUTOSAVE = "restore_autosave"


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


class ArticleAdminForm(forms.ModelForm):
    def is_valid(self):
        # The Preview button asks to see the typed body rendered, not to save it: the
        # admin saves only a valid form, so a previewed form is validated as usual (its
        # errors shown) and then reports itself not ready, and the admin shows it again
        # with every typed value and the preview of its body.
        return super().is_valid() and PREVIEW not in self.data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
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
    readonly_fields = ("former_slugs", "body_preview", "cover_size", "created_at", "updated_at")
    actions = ("publish_selected", "unpublish_selected")
    show_facets = admin.ShowFacets.NEVER  # facet counts cost a query per filter choice
    fieldsets = (
        # The preview beside the body: the JavaScript renders it as the author types.
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "former_slugs",
                    "author",
                    "summary",
                    ("body", "body_preview"),
                    "tags",
                )
            },
        ),
        ("Publication", {"fields": ("status", "published_at", "is_featured")}),
        ("Cover image", {"fields": ("cover_image", "cover_alt", "cover_size")}),
        ("Search engines", {"fields": ("seo_description",)}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    class Media:
        # The site's own article styles, scoped to the preview; the module runs the
        # live preview, autosave and the presence notice.
        css = {"all": ("css/article_body.css", "css/admin/article_editing.css")}
        js = (forms.Script("js/admin/article_editing.js", type="module"),)

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
        if request.method == "GET" and RESTORE_AUTOSAVE in request.GET:
            # Without JavaScript, "Restore" reopens the form with the autosaved text in
            # it (in memory only: saving the form saves it).
            autosave = services.autosave_to_offer(article=article, user=request.user)
            for name in services.AUTOSAVED_FIELDS if autosave else ():
                setattr(article, name, getattr(autosave, name))
        return article

    def _owns_or_edits(self, request, article):
        return (
            article is None
            or can_change_any_article(request.user)
            or article.author_id == request.user.pk
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns_or_edits(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm("content.publish_article")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_change_any_article(request.user):
            fields.append("author")
        if not self.has_publish_permission(request):
            fields += ["status", "published_at", "is_featured"]
        return fields

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    # --- Preview and autosave: the form's ways of saving nothing ----------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and DISCARD_AUTOSAVE in request.POST and object_id:
            article = self.get_object(request, unquote(object_id))
            services.autosave_discard(article=article, user=request.user)
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and PREVIEW in request.POST:
            self.message_user(request, "Preview of the body below: nothing was saved yet.")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The person's own unsaved text, offered back when the form opens (never on a
        # form sent back with errors or a preview: that one holds what they typed).
        if obj is not None and request.method == "GET" and RESTORE_AUTOSAVE not in request.GET:
            autosave = services.autosave_to_offer(article=obj, user=request.user)
            context["autosave"] = autosave
            if autosave:
                context["autosave_fields"] = {
                    name: getattr(autosave, name) for name in services.AUTOSAVED_FIELDS
                }
        context.update(
            autosave_every=services.AUTOSAVE_INTERVAL.total_seconds(),
            preview_name=PREVIEW,
            discard_autosave_name=DISCARD_AUTOSAVE,
            restore_autosave_query=f"{RESTORE_AUTOSAVE}=1",
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        # Saved: the autosave of what was just saved is spent.
        services.autosave_discard(article=obj, user=request.user)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and not can_change_any_article(request.user):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    # --- Display -----------------------------------------------------------------

    @admin.display(description="State")
    def state(self, article):
        return article.state_label

    @admin.display(description="Former slugs (their addresses redirect here)")
    def former_slugs(self, article):
        # Recorded by Article.save() when a published article's slug changes.
        redirects = article.redirects.all() if article.pk else []
        return (
            format_html_join(
                ", ",
                "<code>{}</code> (until {})",
                ((r.old_slug, localize(localtime(r.created_at))) for r in redirects),
            )
            or "—"
        )

    @admin.display(description="As readers will see it")
    def body_preview(self, article):
        # The body in the form: the saved one when the form opens, the typed one after
        # Preview. render_markdown sanitizes, as it does on save.
        return format_html(
            '<div class="article__body" data-body-preview>{}</div>',
            mark_safe(render_markdown(article.body)),  # noqa: S308
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
