"""Refusals an organizer can meet when working on events."""

from django.core.exceptions import ValidationError

from core.exceptions import UserFacingError


class PublishRefused(UserFacingError, ValidationError):
    """The event breaks a publishing rule (spec 003 AC A4); `problems` says which, by field.

    A ValidationError, so code that stops on validation errors stops on it too.
    Where it can reach a user it becomes a message naming the reasons: the
    admin's ways to publish ask first (event_pages.wagtail_hooks), anything else
    is translated once by event_pages.middleware, the API answers 400
    cannot_publish (core.api.errors).
    """

    code = "cannot_publish"

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__({field: [message] for field, message in problems.items()})

    def api_body(self) -> dict:
        return {"error": self.code, "detail": self.problems}

    @property
    def reasons(self) -> str:
        """All the reasons as one sentence-per-problem text."""
        return " ".join(str(message) for message in self.problems.values())
