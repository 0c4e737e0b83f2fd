"""A mail server stand-in that refuses some recipients, as a real SMTP server can.

Messages it accepts land in django.core.mail.outbox like Django's locmem
backend; for a refused recipient it raises SMTPRecipientsRefused (550), which
is what Django's SMTP backend raises. Refused addresses come from the
TEST_REFUSED_RECIPIENTS setting, so a test changes them with `settings`.
"""

import smtplib

from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        refused_now = {email.lower() for email in getattr(settings, "TEST_REFUSED_RECIPIENTS", ())}
        for message in messages:
            refused = [r for r in message.recipients() if r.lower() in refused_now]
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {r: (550, b"5.1.1 Mailbox unavailable") for r in refused}
                )
        return super().send_messages(messages)
