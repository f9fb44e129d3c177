"""Cross-cutting HTTP middleware."""

from django.conf import settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """A Content Security Policy without ``unsafe-inline`` on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", getattr(settings, "CONTENT_SECURITY_POLICY", CSP))
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
