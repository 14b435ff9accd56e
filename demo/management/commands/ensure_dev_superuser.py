"""Create (or reset) the development superuser that `make run` prints.

Refuses to run with debug off: a known password must never exist in production.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEV_USERNAME = "admin"
DEV_PASSWORD = "gazette-dev-admin"  # noqa: S105 - development only, refused with debug off


class Command(BaseCommand):
    help = "Create the development superuser (debug mode only) and print its credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_dev_superuser runs only with DJANGO_DEBUG=on.")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEV_USERNAME,
            defaults={"email": "admin@localhost", "display_name": "Gazette Admin"},
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(DEV_PASSWORD)
        user.save()
        # Verified, so the superuser can also sign in on the site's own pages.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        verb = "Created" if created else "Reset"
        self.stdout.write(
            f"{verb} development superuser: username {DEV_USERNAME!r}, password {DEV_PASSWORD!r}"
        )
