"""The newsroom's editing aids, for the admin's article change form (its JavaScript,
static/js/admin/article_editing.js): the live preview, autosave, and who else has the
form open. Staff only; none of them changes an article.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from api import serializers
from api.views import ApiView
from content import services
from content.markdown import render_markdown
from content.models import ArticleAutosave, changeable_article


class PreviewView(ApiView):
    """Markdown rendered and sanitized exactly as saving an article renders its body
    (`content.markdown.render_markdown`): raw HTML, scripts and `javascript:` links
    are removed. Saves nothing."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Preview an article body (staff)",
        request=serializers.PreviewRequestSerializer,
        responses=serializers.PreviewSerializer,
        examples=[
            OpenApiExample(
                "Markdown with a script",
                request_only=True,
                value={"body": "## Tides\n\n**High** water at 6. <script>alert(1)</script>"},
            ),
            OpenApiExample(
                "Rendered and sanitized",
                response_only=True,
                value={"body_html": "<h2>Tides</h2>\n<p><strong>High</strong> water at 6. </p>"},
            ),
        ],
    )
    def post(self, request):
        data = self.parse(serializers.PreviewRequestSerializer, request.data)
        return Response({"body_html": render_markdown(data["body"])})


class EditedArticleView(ApiView):
    """An article the signed-in staff member may change; any other is a 404, as in admin."""

    permission_classes = [IsAdminUser]

    def get_article(self, request, slug):
        return changeable_article(request.user, slug)


class AutosaveView(EditedArticleView):
    """Your own unsaved text of an article's change form, kept every few seconds while
    you type so that a closed tab loses nothing. Never the article itself, and never
    anyone else's: each staff member has their own. Saving the form deletes it."""

    @extend_schema(
        summary="Your autosave of an article (staff)", responses=serializers.AutosaveSerializer
    )
    def get(self, request, slug):
        article = self.get_article(request, slug)
        autosave = get_object_or_404(ArticleAutosave, article=article, user=request.user)
        return self.render(serializers.AutosaveSerializer, autosave)

    @extend_schema(
        summary="Autosave your unsaved text of an article (staff)",
        request=serializers.AutosaveRequestSerializer,
        responses=serializers.AutosaveSerializer,
    )
    def put(self, request, slug):
        article = self.get_article(request, slug)
        data = self.parse(serializers.AutosaveRequestSerializer, request.data)
        autosave = services.autosave_store(article=article, user=request.user, **data)
        return self.render(serializers.AutosaveSerializer, autosave)

    @extend_schema(summary="Discard your autosave of an article (staff)", responses={204: None})
    def delete(self, request, slug):
        article = self.get_article(request, slug)
        services.autosave_discard(article=article, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PresenceView(EditedArticleView):
    """Who else has an article's change form open. Each open form POSTs every
    `interval` seconds and gets the others heard of within the last 40; DELETE when
    the form closes. A notice, not a lock: everyone may still save."""

    @extend_schema(
        summary="Say you have an article's change form open; see who else has (staff)",
        request=None,
        responses=serializers.PresenceSerializer,
    )
    def post(self, request, slug):
        article = self.get_article(request, slug)
        others = services.presence_heartbeat(article=article, user=request.user)
        interval = int(services.PRESENCE_INTERVAL.total_seconds())
        return self.render(serializers.PresenceSerializer, {"others": others, "interval": interval})

    @extend_schema(summary="Say you closed an article's change form (staff)", responses={204: None})
    def delete(self, request, slug):
        article = self.get_article(request, slug)
        services.presence_leave(article=article, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
