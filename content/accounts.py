"""Account rules shared by the sign-in pages (allauth's views) and the REST API
(dj-rest-auth, which calls the same allauth adapter and forms).

Every link in an account e-mail points at the site's pages under `SITE_URL`, never at
the API and never at whatever Host header a request arrived with.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from content.site import absolute_url


class AccountAdapter(DefaultAccountAdapter):
    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key):
        # allauth hands over "<uid>-<token>"; the page's address keeps them apart.
        uid, token = key.split("-", 1)
        return absolute_url(
            reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
        )

    def send_account_already_exists_mail(self, email):
        """Sign-up with a taken address answers like any sign-up, and tells the owner."""
        context = {
            "signup_url": absolute_url(reverse("account_signup")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL
