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


class AuditMiddleware:
    """Every action (any non-GET request) of a logged-in user goes into the hash-chained audit trail.

    Only the method, the URL name, the object ids in the URL and the outcome are kept — never the request body, so
    no form content (and no ballot) reaches the trail. Vote endpoints are excluded altogether.
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method in self.SAFE_METHODS or user is None or not user.is_authenticated:
            return response
        match = getattr(request, "resolver_match", None)
        url_name = match.view_name if match else ""
        if url_name in settings.AUDIT_EXCLUDED_URL_NAMES or url_name in {"login", "logout", "set_language"}:
            return response
        from portal.audit import audit_record

        audit_record(
            actor=user,
            action=f"http.{request.method.lower()}",
            after={"view": url_name, "path": request.path, "args": dict(match.kwargs) if match else {}},
            outcome=str(response.status_code),
            ip=request.META.get("REMOTE_ADDR"),
        )
        return response


class TwoFactorMiddleware:
    """Two-factor login (TOTP, django-otp). A user who has a device must enter a code after the password; with
    ``PORTAL_REQUIRE_2FA`` (on in production) city staff, experts and supervisors must set one up first."""

    EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            redirect_to = self._redirect_for(request, user)
            if redirect_to:
                from django.shortcuts import redirect
                from django.utils.http import urlencode

                return redirect(f"{redirect_to}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _redirect_for(request, user) -> str | None:
        from django.urls import reverse
        from django_otp import user_has_device

        from portal.roles import TWO_FACTOR_REQUIRED_ROLES

        if user.is_verified():
            return None
        if user_has_device(user, confirmed=True):
            return reverse("otp_verify")
        if settings.PORTAL_REQUIRE_2FA and user.role in TWO_FACTOR_REQUIRED_ROLES:
            return reverse("otp_setup")
        return None
