"""Accounts for the signed-in on-sale benchmark, with an API token each (bench/onsale.py)."""

import json

from django.core.management.base import BaseCommand
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User

DOMAIN = "bench.invalid"


class Command(BaseCommand):
    help = "Create (once) N benchmark buyer accounts and write their API access tokens as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=400)
        parser.add_argument("--out", required=True, help="file for the JSON list of tokens")

    def handle(self, *args, count, out, **options):
        emails = [f"buyer{n}@{DOMAIN}" for n in range(count)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        # No usable password: these accounts sign in only with the tokens written here,
        # which costs the benchmark no password hashing.
        new = [User(email=email, name="Bench Buyer") for email in emails if email not in existing]
        for user in new:
            user.set_unusable_password()
        User.objects.bulk_create(new)
        users = User.objects.filter(email__in=emails).order_by("pk")
        tokens = [str(RefreshToken.for_user(user).access_token) for user in users]
        with open(out, "w") as handle:
            json.dump(tokens, handle)
        self.stdout.write(f"{len(tokens)} buyer tokens in {out}")
