"""/api/v1/me/sessions/: where the reader is signed in, and signing out there
(content/sessions.py holds the rules; the account page calls the same)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.views import ApiView
from content import sessions


class SignedInSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=[sessions.SESSION, sessions.REFRESH_TOKEN])
    browser = serializers.CharField()
    created = serializers.DateTimeField(allow_null=True)
    last_used = serializers.DateTimeField(allow_null=True)
    expires = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="The session making this request.")


class MySessionsView(ApiView):
    """Your sessions (browsers) and live JWT refresh tokens; DELETE signs you out
    everywhere: every session, the one making the request included, and every refresh
    token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_sessions_list",
        summary="Where you are signed in",
        responses=SignedInSerializer(many=True),
    )
    def get(self, request):
        places = sessions.signed_in_list(request.user, request.session.session_key)
        return Response(SignedInSerializer(places, many=True).data)

    @extend_schema(
        operation_id="me_sessions_end_all",
        summary="Sign out everywhere",
        responses={204: None},
    )
    def delete(self, request):
        sessions.end_sessions(request.user)
        request.session.flush()  # this browser's session object, not only its row
        return Response(status=status.HTTP_204_NO_CONTENT)


class MySessionView(ApiView):
    """One of your sessions or refresh tokens, by the id the list gives."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_sessions_end",
        summary="Sign out one session or refresh token",
        responses={204: None},
    )
    def delete(self, request, place_id):
        if not sessions.end_one(request.user, place_id):
            raise Http404
        if request.session.session_key and not request.session.exists(request.session.session_key):
            request.session.flush()  # it was this browser's own session
        return Response(status=status.HTTP_204_NO_CONTENT)
