"""The variables of the ticket delivery email (spec 002, 5.5) and their safe substitution.

An admin writes "{event_name}" in the subject or body; only the names below are
allowed, with no attribute, index, conversion or format ("{event_name.__class__}",
"{variant!r}" and "{ticket_password:>20}" are refused on save). "{{" and "}}"
write a literal brace. Substitution never evaluates anything: each field is
replaced by the value's text, nothing more.
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VARIABLES = ("event_name", "variant", "ticket_email", "ticket_password")


def _fields(text: str):
    """(literal, field name or None, spec, conversion) pieces; ValueError on a lone brace."""
    yield from string.Formatter().parse(text or "")


def validate_template_text(text: str) -> None:
    """Refuse unknown variables and anything but a plain {name}, naming the allowed ones."""
    allowed = ", ".join(f"{{{name}}}" for name in VARIABLES)
    try:
        pieces = list(_fields(text))
    except ValueError:
        raise ValidationError(
            _(
                'A single "{" or "}" is not allowed: write {{ or }} for a brace. '
                "Variables: %(allowed)s."
            ),
            params={"allowed": allowed},
            code="brace",
        ) from None
    for _literal, field, spec, conversion in pieces:
        if field is None:
            continue
        if field not in VARIABLES or spec or conversion:
            raise ValidationError(
                _("Unknown variable {%(name)s}. Allowed variables: %(allowed)s."),
                params={"name": field, "allowed": allowed},
                code="unknown_variable",
            )


def substitute(text: str, values: dict) -> str:
    """`text` with each allowed {name} replaced by str(values[name])."""
    out = []
    for literal, field, _spec, _conversion in _fields(text):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")) if field in VARIABLES else "")
    return "".join(out)
