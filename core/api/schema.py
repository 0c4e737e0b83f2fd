"""OpenAPI schema (drf-spectacular): what /api/v1/schema/ publishes.

Only the public REST API v1 is published; the Wagtail admin's internal APIs
(/admin/api/, wagtail-localize's editor endpoints) are not ours to document.
"""

from rest_framework import serializers

PUBLIC_PREFIX = "/api/v1/"


def public_api_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: keep the /api/v1/ endpoints, drop the rest."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]


class ErrorSerializer(serializers.Serializer):
    """Every 4xx answer of the API (core.api.errors)."""

    error = serializers.CharField(help_text="Stable code, e.g. validation_error, not_found.")
    detail = serializers.JSONField(
        help_text="A message, or {field: [messages]} naming each field and its rule."
    )
