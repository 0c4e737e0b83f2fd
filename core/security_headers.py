"""Content-Security-Policy and Permissions-Policy headers.

The public site gets a strict, nonce-based policy (CONTENT_SECURITY_POLICY in
settings). The Wagtail admin renders inline scripts and styles of its own, so
paths under ADMIN_PATH_PREFIXES get ADMIN_CSP_DIRECTIVES instead: still
same-origin only, with inline code allowed.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under the admin's paths."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(tuple(settings.ADMIN_PATH_PREFIXES)):
            # No nonce: a nonce in script-src would switch 'unsafe-inline' off.
            return PolicyParts(config=settings.ADMIN_CSP_DIRECTIVES)
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the browser features this site may use (PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
