"""Refusals an organizer can meet when working on events."""

from django.core.exceptions import ValidationError


class PublishRefused(ValidationError):
    """The event breaks a publishing rule (spec 003 AC A4); `problems` says which, by field.

    A ValidationError, so admin screens that already show validation errors
    (wagtail-localize's translation editor, for one) show these reasons too.
    """

    code = "cannot_publish"

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__({field: [message] for field, message in problems.items()})

    @property
    def reasons(self) -> str:
        """All the reasons as one sentence-per-problem text."""
        return " ".join(str(message) for message in self.problems.values())
