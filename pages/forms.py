import secrets

from django import forms

from content.models import COMMENT_MAX_LENGTH, CommentReport, User, validate_idempotency_key


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write something before posting."},
    )


def new_idempotency_key():
    return secrets.token_urlsafe(16)


class NewCommentForm(CommentForm):
    # A one-time token per rendered form, the key of content.services.idempotent: a
    # double submit or a resubmitted page repeats the first post's answer instead of
    # posting again. (comments.js sends keys of its own as the API's Idempotency-Key.)
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        initial=new_idempotency_key,
        validators=[validate_idempotency_key],
    )
    # A honeypot: people never see it (CSS, aria-hidden, out of the tab order, no
    # autofill), form-filling bots fill it, and their comment is dropped (pages/views.py).
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class CommentReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should a moderator look at this comment?",
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )


class ProfileForm(forms.ModelForm):
    """The reader's public name and bio, on the account page."""

    class Meta:
        model = User
        fields = ["display_name", "bio"]


class NotificationChoicesForm(forms.ModelForm):
    """The reader's e-mail notifications, on the account page."""

    class Meta:
        model = User
        fields = ["email_on_reply", "email_on_article_comment"]


class AccountDeleteForm(forms.Form):
    """Deleting one's account, confirmed with the current password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
