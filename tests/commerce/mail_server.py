"""A mail server stand-in that refuses some recipients, or is down, as a real SMTP server can.

Messages it accepts land in django.core.mail.outbox like Django's locmem
backend. Settings, changed by a test with `settings`:
- TEST_REFUSED_RECIPIENTS: refused for good (550), SMTPRecipientsRefused
  as Django's SMTP backend raises it;
- TEST_DEFERRED_RECIPIENTS: refused for now (451, "try again later");
- TEST_MAIL_SERVER_DOWN: connecting fails (ConnectionRefusedError).
"""

import smtplib

from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend


def _listed(name):
    return {email.lower() for email in getattr(settings, name, ())}


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        if getattr(settings, "TEST_MAIL_SERVER_DOWN", False):
            raise ConnectionRefusedError(111, "Connection refused")
        refused_now, deferred_now = (
            _listed("TEST_REFUSED_RECIPIENTS"),
            _listed("TEST_DEFERRED_RECIPIENTS"),
        )
        for message in messages:
            refused = {
                r: (550, b"5.1.1 Mailbox unavailable")
                for r in message.recipients()
                if r.lower() in refused_now
            }
            refused |= {
                r: (451, b"4.3.0 Try again later")
                for r in message.recipients()
                if r.lower() in deferred_now
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)
