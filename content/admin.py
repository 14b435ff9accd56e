"""Django admin: where staff write, schedule, publish and moderate.

Roles are the Groups made by migration 0002: Authors add and change only their
own articles; Editors change every article, publish, and moderate comments.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from content import services
from content.admin_reports import (
    REPORTED_FIRST,
    CommentReportInline,
    OpenReportsFilter,
    with_open_reports,
)
from content.markdown import render_markdown
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
from content.pictures import CoverImageField
from content.revisions import (
    compare,
    conflict_notice,
    revisions_of,
    saved_by,
    with_changed_fields,
)
from content.services import (
    EditConflict,
    article_publish,
    article_restore,
    article_save,
    article_unpublish,
    comment_set_hidden,
)

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
    """The change form carries the revision it was opened at, so that a save over
    someone else's newer one is refused instead of silently undoing it."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        field_classes = {"cover_image": CoverImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflict = None
        if self.instance.pk is not None:
            self.fields["based_on"].initial = self.instance.revision

    def clean(self):
        cleaned_data = super().clean()
        based_on = cleaned_data.get("based_on")
        # The instance is the article as stored when this request began.
        if self.instance.pk is not None and based_on != self.instance.revision:
            self.edit_conflict = conflict_notice(article_id=self.instance.pk, based_on=based_on)
            # Sent again, this form says it knows the newer revision: "save anyway".
            self.data = self.data.copy()
            self.data[self.add_prefix("based_on")] = self.instance.revision
            raise ValidationError(
                "%(who)s saved this article at %(when)s, after you opened it. Your text "
                "below is not saved yet: see what they changed, then save again to keep "
                "your version, or reload theirs.",
                code="edit_conflict",
                params={
                    "who": self.edit_conflict.saved_by,
                    "when": date_format(
                        timezone.localtime(self.edit_conflict.saved_at), "DATETIME_FORMAT"
                    ),
                },
            )
        return cleaned_data

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
                    "based_on",
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
        css = {
            "all": (
                "css/article_body.css",
                "css/admin/article_editing.css",
                "css/admin/revisions.css",
            )
        }
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

    # --- Preview and autosave: the form's ways of saving nothing ----------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and DISCARD_AUTOSAVE in request.POST and object_id:
            article = self.get_object(request, unquote(object_id))
            services.autosave_discard(article=article, user=request.user)
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and PREVIEW in request.POST:
            self.message_user(request, "Preview of the body below: nothing was saved yet.")
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Saved by someone between this form's check and the locked save (the
            # transaction was rolled back): once more, the form now sees their
            # revision and comes back with the notice.
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
        if not change:
            if not can_change_any_article(request.user):
                obj.author = request.user
            obj.save()
            return
        article_save(article=obj, based_on=form.cleaned_data["based_on"])

    # --- Revisions (django-simple-history records them; content/revisions.py) ------

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.revision_compare_view),
                name=f"{name}_revision_compare",
            ),
            path(
                "<path:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(require_POST(self.revision_restore_view)),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _viewable_article(self, request, object_id):
        article = self.get_object(request, unquote(object_id))  # 404 for another author's
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _revision_context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": None,
            "has_change_permission": self.has_change_permission(request, article),
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every revision of the article: who, when, what changed; compare two, restore one."""
        article = self._viewable_article(request, object_id)
        rows = [
            (record, [Article._meta.get_field(name).verbose_name for name in record.changed])
            for record in with_changed_fields(revisions_of(article))
        ]
        context = {
            **self._revision_context(request, article, f"Revisions of “{article}”"),
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/content/article/revision_list.html", context)

    def revision_compare_view(self, request, object_id):
        """Two revisions side by side, field by field (`?from=<id>&to=<id>`, record ids)."""
        article = self._viewable_article(request, object_id)
        ids = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(value.isdigit() for value in ids):
            raise Http404("Choose two revisions to compare.")
        records = {r.history_id: r for r in revisions_of(article).filter(history_id__in=ids)}
        older, newer = sorted(
            (get_or_404(records, int(value)) for value in ids), key=lambda r: r.revision
        )
        context = {
            **self._revision_context(
                request, article, f"Revision {older.revision} → {newer.revision}"
            ),
            "older": older,
            "newer": newer,
            "older_heading": f"Revision {older.revision}",
            "newer_heading": f"Revision {newer.revision}",
            "older_by": saved_by(older),
            "newer_by": saved_by(newer),
            "changes": compare(older, newer),
        }
        return TemplateResponse(request, "admin/content/article/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, history_id):
        article = self._viewable_article(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        record = get_object_or_404(revisions_of(article), history_id=history_id)
        try:
            article_restore(article=article, record=record, by=request.user)
        except EditConflict:
            self.message_user(
                request, "Someone saved this article just now: nothing restored.", messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:content_article_history", args=[article.pk]))
        self.message_user(
            request,
            f"Revision {record.revision} restored as revision {article.revision}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:content_article_change", args=[article.pk]))

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
                ((r.old_slug, localize(timezone.localtime(r.created_at))) for r in redirects),
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


def get_or_404(records, history_id):
    try:
        return records[history_id]
    except KeyError:
        raise Http404("No such revision of this article.") from None


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "excerpt", "author", "article_link", "created_at", "is_hidden", "open_reports",
    )  # fmt: skip
    list_filter = (OpenReportsFilter, "awaiting_moderation", "is_hidden", "created_at")
    ordering = REPORTED_FIRST
    inlines = (CommentReportInline,)
    list_select_related = ("author", "article")
    search_fields = ("body", "author__username", "article__title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("author",)
    raw_id_fields = ("article",)
    readonly_fields = ("created_at", "edited_at", "article_link")
    fields = ("article", "article_link", "author", "body", "is_hidden", "created_at", "edited_at")
    actions = ("hide_selected", "show_selected")
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return with_open_reports(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_hidden" in form.changed_data:
            # The "hidden" box is a moderator's decision, as the list's actions are.
            comment_set_hidden(comment=obj, by=request.user, hidden=obj.is_hidden)

    @admin.display(description="Open reports", ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

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
        self.message_user(
            request,
            f"{verb} {len(queryset)} comment(s); their open reports are resolved.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Hide selected comments (resolves their reports)", permissions=["change"]
    )
    def hide_selected(self, request, queryset):
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(
        description="Show or keep selected comments (resolves their reports)",
        permissions=["change"],
    )
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
