"""manage.py reencrypt_ticket_credentials: move every stored ticket password to the first key.

Key rotation: put the new key first in FULFILMENT_ENCRYPTION_KEYS (the old ones after
it still decrypt), run this, then drop the old keys. Passwords already under the first
key are left alone, so a second run changes nothing and an interrupted run resumes.
Works in batches (each its own transaction), never holding every row in memory.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fulfilment import crypto
from fulfilment.models import TicketCredential


class Command(BaseCommand):
    help = "Re-encrypt every ticket password with the first key of FULFILMENT_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size: must be at least 1")
        current = crypto.current_key_id()
        stale = TicketCredential.objects.exclude(password_encrypted__startswith=f"{current}:")
        done = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    stale.filter(pk__gt=last_pk)
                    .select_for_update()
                    .order_by("pk")
                    .only("pk", "event_key", "login_email", "password_encrypted")[:batch_size]
                )
                if not batch:
                    break
                for ticket in batch:
                    try:
                        ticket.reseal_with_current_key()
                    except crypto.CredentialError as error:
                        raise CommandError(
                            f"ticket {ticket.pk}: {error}; nothing after it was changed"
                        ) from error
                TicketCredential.objects.bulk_update(batch, ["password_encrypted"])
            done += len(batch)
            last_pk = batch[-1].pk
        self.stdout.write(f"Re-encrypted {done} ticket password(s) with key {current!r}.")
