"""The reader's own data through the API: their export (start it, see it, download it)
and the deletion of their account. The rules are content.account_data's, as the pages'."""

from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.auth import AuthAddressThrottle
from api.idempotency import honours_idempotency_key
from api.views import ApiView
from content import account_data


class ExportSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["none", "building", "ready", "expired"],
        help_text="`building` until the task has run; `ready` while it can be downloaded.",
    )
    requested_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.URLField(
        allow_null=True, help_text="The JSON file, while the export is `ready`."
    )


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="Your current password. An account without one leaves it out and is "
        "e-mailed a link that confirms the deletion (202).",
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ExportView(ApiView):
    """Your data as one JSON file: your account, e-mail addresses, comments (with their
    articles' addresses), likes, bookmarks and e-mail choices. POST starts building it
    (once a day; 429 sooner) and you are e-mailed when it is ready; GET says how it is
    going and, while it is offered, where to download it."""

    permission_classes = [IsAuthenticated]

    def status_of(self, export, status_code=status.HTTP_200_OK):
        state = account_data.export_state(export)
        download_url = None
        if state == "ready":
            download_url = self.request.build_absolute_uri(
                reverse("api:my-export-download", args=[export.pk])
            )
        data = {
            "state": state,
            "requested_at": export and export.requested_at,
            "ready_at": export and export.ready_at,
            "expires_at": export and export.expires_at,
            "download_url": download_url,
        }
        return Response(ExportSerializer(data).data, status=status_code)

    @extend_schema(
        operation_id="me_export_retrieve",
        summary="Your latest export: its state and download link",
        responses=ExportSerializer,
    )
    def get(self, request):
        return self.status_of(account_data.latest_export(request.user))

    @extend_schema(
        operation_id="me_export_create",
        summary="Start building a copy of your data",
        request=None,
        responses={202: ExportSerializer},
    )
    @honours_idempotency_key
    def post(self, request):
        try:
            export = account_data.export_request(request.user)
        except account_data.ExportTooSoon as refusal:
            raise exceptions.Throttled(wait=refusal.wait_seconds, detail=str(refusal)) from refusal
        return self.status_of(export, status.HTTP_202_ACCEPTED)


class ExportDownloadView(ApiView):
    """The export's JSON file, yours only, while it is offered (404 otherwise)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_export_download",
        summary="Download your export",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        export = account_data.offered_export(request.user, pk)
        if export is None:
            raise Http404
        response = HttpResponse(export.data, content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="{account_data.export_filename(export)}"'
        )
        patch_cache_control(response, no_store=True)
        return response


class AccountDeleteView(ApiView):
    """Delete your account: your e-mail addresses, profile, likes, bookmarks, sessions
    and tokens go; your comments stay as "deleted reader" or go, as the site is set.
    Confirmed with your password (400 when wrong); staff accounts and the last
    superuser cannot (403)."""

    permission_classes = [IsAuthenticated]
    # Each attempt is a password guess: counted as the sign-in's are.
    throttle_classes = [AuthAddressThrottle]

    @extend_schema(
        operation_id="me_delete",
        summary="Delete your account",
        request=AccountDeleteSerializer,
        responses={
            204: OpenApiResponse(description="Deleted; your session and tokens are ended."),
            202: OpenApiResponse(
                DetailSerializer,
                description="An account without a password: a confirming link was e-mailed.",
            ),
        },
        examples=[OpenApiExample("Confirm", value={"password": "…"}, request_only=True)],
    )
    def post(self, request):
        user = request.user
        data = self.parse(AccountDeleteSerializer, request.data)
        if refusal := account_data.deletion_refusal(user):
            raise exceptions.PermissionDenied(refusal)
        if not user.has_usable_password():
            account_data.deletion_link_send(user)
            return Response(
                {"detail": "We have e-mailed you a link that confirms the deletion."},
                status=status.HTTP_202_ACCEPTED,
            )
        if not user.check_password(data.get("password", "")):
            raise exceptions.ValidationError({"password": ["That is not your password."]})
        try:
            account_data.account_delete(user)
        except account_data.DeletionRefused as error:
            raise exceptions.PermissionDenied(str(error)) from error
        if request.session.session_key:
            logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
