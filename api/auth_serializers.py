"""Serializers behind the auth endpoints (named in settings.REST_AUTH, so they live apart
from the views that dj-rest-auth's own modules import)."""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.utils import filter_users_by_email
from dj_rest_auth.registration import serializers as registration_serializers
from dj_rest_auth.serializers import PasswordResetSerializer as BasePasswordResetSerializer
from django.contrib.auth import get_user_model
from django.db import models
from rest_framework import serializers

from api.serializers import StrictCharField


class UserDetailsSerializer(serializers.ModelSerializer):
    """The signed-in user's own profile. Username and e-mail change only through their
    own flows; staff flags are not part of it at all."""

    # Text fields take JSON strings only: DRF's CharField would store 0 as "0".
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }

    class Meta:
        model = get_user_model()
        fields = [
            "pk",
            "username",
            "email",
            "display_name",
            "bio",
            "email_on_reply",
            "email_on_article_comment",
        ]
        read_only_fields = ["pk", "username", "email"]

    def update(self, instance, validated_data):
        # Only the fields sent: the e-mail choices alone change nothing any page shows
        # (content.versions), so they must not count as a profile change.
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(validated_data))
        return instance


class LogoutSerializer(serializers.Serializer):
    """A sign-out's body: a JSON object, with the refresh token to blacklist if any."""

    refresh = StrictCharField(
        required=False, help_text="A refresh token to blacklist with the sign-out."
    )


class RegisterSerializer(registration_serializers.RegisterSerializer):
    """dj-rest-auth's sign-up, with one answer for new and known e-mail addresses while
    verification is mandatory (the owner of a known address gets an e-mail instead)."""

    email_taken = False

    def validate_email(self, email):
        email = get_adapter().clean_email(email)
        if filter_users_by_email(email):
            if not _verification_is_mandatory():
                raise serializers.ValidationError("A user is already registered with this e-mail.")
            self.email_taken = True
        return email


def _verification_is_mandatory():
    return allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY


class PasswordResetSerializer(BasePasswordResetSerializer):
    """The reset request runs allauth's own form, like the page does: same rules, same
    e-mail, a link to the page under SITE_URL, and the same answer for unknown addresses."""

    @property
    def password_reset_form_class(self):
        return ResetPasswordForm
