"""An article's revisions for staff, as in the admin: the list (who, when, what changed)
and restoring one as a new revision, through content.revisions and content.services.

Only staff who may change the article see them (Editors: every article; Authors: their
own); to anyone else signed in the article's revisions are 404, as in the admin.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated

from api.idempotency import honours_idempotency_key
from api.serializers import api_url
from api.views import ApiView
from content import services
from content.models import changeable_article
from content.revisions import COMPARED, revisions_of, with_changed_fields


class RevisionAuthorSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="public_name")


class RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="history_id", help_text="Restore it by this id.")
    revision = serializers.IntegerField(help_text="The article's save number (1 = created).")
    saved_at = serializers.DateTimeField(source="history_date")
    saved_by = RevisionAuthorSerializer(
        source="history_user", allow_null=True, help_text="Null for a save by a script."
    )
    changed_fields = serializers.ListField(
        source="changed",
        child=serializers.ChoiceField(choices=COMPARED),
        help_text="Against the revision before; empty for the first one recorded.",
    )
    reason = serializers.CharField(
        source="history_change_reason", allow_null=True, help_text="Such as a restore."
    )


class RevisionListSerializer(serializers.Serializer):
    results = RevisionSerializer(many=True)


class RestoreConflict(exceptions.APIException):
    status_code = 409
    default_detail = "The article was saved while this restore ran; nothing was restored."
    default_code = "edit_conflict"


REVISION_EXAMPLE = {
    "id": 812,
    "revision": 7,
    "saved_at": "2026-12-04T20:41:09.512000Z",
    "saved_by": {"username": "maria", "name": "Maria Lopez"},
    "changed_fields": ["title", "body", "tags"],
    "reason": None,
}


class ArticleRevisionListView(ApiView):
    """Every saved revision of an article, newest first: who saved it, when, and which
    fields changed against the one before. Staff who may change the article only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="An article's revisions (staff)",
        responses=RevisionListSerializer,
        examples=[OpenApiExample("Two revisions", value={"results": [REVISION_EXAMPLE]})],
    )
    def get(self, request, slug):
        article = changeable_article(request.user, slug)
        revisions = with_changed_fields(revisions_of(article))
        return self.render(RevisionListSerializer, {"results": revisions})


class ArticleRevisionRestoreView(ApiView):
    """Put a revision's content and tags back as the article's new revision (its address
    and author stay; its publication state only for staff who may publish). Based on the
    current revision, so no If-Match is needed; the answer is the new revision."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Restore a revision as a new one (staff)",
        request=None,
        responses={
            201: RevisionSerializer,
            409: OpenApiResponse(
                description="Someone saved the article while this restore ran: nothing "
                "was restored (the error shape, code `edit_conflict`). Try again."
            ),
        },
        examples=[
            OpenApiExample(
                "Revision 3 restored as revision 8",
                value={
                    **REVISION_EXAMPLE,
                    "id": 815,
                    "revision": 8,
                    "reason": "Restored revision 3",
                },
                response_only=True,
            )
        ],
    )
    @honours_idempotency_key
    def post(self, request, slug, pk):
        article = changeable_article(request.user, slug)
        record = get_object_or_404(revisions_of(article), history_id=pk)
        try:
            services.article_restore(article=article, record=record, by=request.user)
        except services.EditConflict as error:
            raise RestoreConflict() from error
        restored = with_changed_fields(revisions_of(article)[:2])[0]
        response = self.render(RevisionSerializer, restored, status.HTTP_201_CREATED)
        response["Location"] = api_url("article-revisions", slug=article.slug)
        return response
