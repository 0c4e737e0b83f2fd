"""manage.py erase_member_credentials <email>: right to erasure from the command line, audited."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fulfilment.services.erasure import erase_member_credentials, mask_email


class Command(BaseCommand):
    help = (
        "Erase a member's ticket credentials and assignments and mask their email in the "
        "assignment log (right to erasure, spec 002 section 6)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the member's email address")

    def handle(self, *args, email, **options):
        member = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if member is None:
            raise CommandError(f"email: no member has the address {email!r}")
        result = erase_member_credentials(member, actor_label="command")
        self.stdout.write(
            f"Erased for {mask_email(member.email)}: {result.tickets_erased} ticket credential(s), "
            f"{result.assignments_erased} assignment(s); "
            f"{result.log_entries_masked} log entries masked."
        )
