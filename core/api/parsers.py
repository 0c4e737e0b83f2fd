"""The API's JSON parser: bounded in size and depth, so bad input is a 4xx, never a 500."""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = _("The request body is larger than this server accepts.")


def payload_too_large() -> PayloadTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(
        _("The request body is larger than the limit of %(limit)s bytes.") % {"limit": limit}
    )


def read_bounded(stream) -> io.BytesIO:
    """The body, or PayloadTooLarge past DATA_UPLOAD_MAX_MEMORY_SIZE (None: no limit)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise payload_too_large()
    return io.BytesIO(body)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies over DATA_UPLOAD_MAX_MEMORY_SIZE and deep nesting.

    DRF reads a JSON body straight from the request stream, past Django's upload limit;
    and Python's json module raises RecursionError on deeply nested arrays.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_bounded(stream)
        try:
            return super().parse(body, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None


class FormParser(parsers.FormParser):
    """DRF's urlencoded form parser, bounded like JSONParser (multipart is bounded by Django)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(read_bounded(stream), media_type, parser_context)
