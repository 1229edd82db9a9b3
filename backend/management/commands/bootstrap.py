"""Prepare the embedded mode: demo data on an empty database, optional superuser, the logins.

`make run` calls this after `migrate`; running it again keeps the data.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from backend.demo import DEMO_PASSWORD, load_demo
from loans.choices import LoanStatus
from loans.documents import loan_card_url
from loans.models import Loan
from organizations.models import Funder, Membership, Organization


class Command(BaseCommand):
    help = "Load demo data into an empty database, create the superuser from the environment, print logins."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")

    def handle(self, *args, no_demo=False, **options):
        if no_demo:
            self.stdout.write("Demo data: skipped (--no-demo).")
        elif Organization.objects.exists():
            self.stdout.write("Demo data: the database already has organisations; nothing loaded.")
        else:
            load_demo()
            self.stdout.write(self.style.SUCCESS("Demo data: loaded."))
        self._ensure_superuser()
        self._print_logins()

    def _ensure_superuser(self):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not username or not password:
            return
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": os.environ.get("DJANGO_SUPERUSER_EMAIL", "")}
        )
        if created:
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS(f"Superuser {username!r} created."))
        else:
            self.stdout.write(f"Superuser {username!r} already exists; its password was left unchanged.")

    def _print_logins(self):
        demo_users = (
            Membership.objects.filter(user__username__startswith="demo-")
            .select_related("user", "organization")
            .order_by("organization__name", "role")
        )
        funder_users = get_user_model().objects.filter(username__startswith="demo-", funders__isnull=False)
        if not demo_users and not funder_users:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for membership in demo_users:
            self.stdout.write(
                f"  {membership.user.username:<22} {membership.get_role_display():<14} {membership.organization}"
            )
        for user in funder_users.distinct():
            funders = ", ".join(Funder.objects.filter(users=user).values_list("name", flat=True))
            self.stdout.write(f"  {user.username:<22} {'Funder':<14} {funders}")
        card = Loan.objects.filter(status=LoanStatus.ACTIVE, token_revoked_at__isnull=True).order_by("id").first()
        if card is not None:
            # the same link as on the loan's QR code and in its SMS: SITE_URL, which follows PORT when unset
            self.stdout.write(f"Demo loan card (what a participant sees): {loan_card_url(card)}")
        self.stdout.write("")
