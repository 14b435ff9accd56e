"""Reporting a comment: a signed-in reader, once per comment, with a reason from a short
list (content.services.comment_report). Nobody but staff ever sees who reported."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated

from api.idempotency import honours_idempotency_key
from api.throttling import ReportThrottle
from api.views import ApiView
from content import services
from content.models import Comment, CommentReport


class CommentReportCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CommentReport.Reason.choices)


class CommentReportSerializer(serializers.Serializer):
    comment = serializers.IntegerField(source="comment_id")
    reason = serializers.ChoiceField(choices=CommentReport.Reason.choices)
    created_at = serializers.DateTimeField()


class AlreadyReported(exceptions.APIException):
    status_code = 409
    default_detail = "You have already reported this comment."
    default_code = "already_reported"


class CommentReportView(ApiView):
    """Report a comment to the moderators, once. Reports from enough readers hide it
    until a moderator decides. Your own comment cannot be reported (403); one you
    cannot see is 404."""

    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        return [*super().get_throttles(), ReportThrottle()]

    @extend_schema(
        operation_id="comments_report_create",
        summary="Report a comment",
        request=CommentReportCreateSerializer,
        responses={
            201: CommentReportSerializer,
            409: OpenApiResponse(
                description="You reported this comment before (the error shape, code "
                "`already_reported`)."
            ),
        },
        examples=[
            OpenApiExample("A report", value={"reason": "spam"}, request_only=True),
            OpenApiExample(
                "Reported",
                value={"comment": 42, "reason": "spam", "created_at": "2026-12-04T20:41:09Z"},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    @honours_idempotency_key
    def post(self, request, pk):
        comment = get_object_or_404(Comment.objects.visible_to(request.user), pk=pk)
        data = self.parse(CommentReportCreateSerializer, request.data)
        try:
            report = services.comment_report(comment=comment, by=request.user, **data)
        except services.AlreadyReported as error:
            raise AlreadyReported() from error
        return self.render(CommentReportSerializer, report, status.HTTP_201_CREATED)
