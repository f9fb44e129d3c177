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


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over ``PORTAL_MAX_REQUEST_BYTES`` before anything reads it (413).

    First in the chain, so it holds for anonymous requests and before sessions or CSRF look at the body. Django reads
    no more than Content-Length bytes of a WSGI body, so a body without one is never read; the reverse proxy and
    gunicorn (gunicorn.conf.py) enforce the same figure (docs/operations.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.PORTAL_MAX_REQUEST_BYTES:
            from django.http import HttpResponse
            from django.utils.translation import gettext as _

            limit_mb = settings.PORTAL_MAX_REQUEST_BYTES / 1048576
            return HttpResponse(
                _("The request is too large (at most %(limit).0f MB). Nothing was saved.") % {"limit": limit_mb},
                status=413,
                content_type="text/plain; charset=utf-8",
                headers={"Connection": "close", "Cache-Control": "no-store"},
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a logged-in user carry personal data, receipts or 2FA secrets: ``Cache-Control: no-store``, so no
    shared cache or back button keeps them. A response that chose its own caching (static files, the public cached
    pages for visitors) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            from django.utils.cache import add_never_cache_headers

            add_never_cache_headers(response)
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
        from portal.http import client_ip

        audit_record(
            actor=user,
            action=f"http.{request.method.lower()}",
            after={"view": url_name, "path": request.path, "args": dict(match.kwargs) if match else {}},
            outcome=str(response.status_code),
            ip=client_ip(request) or None,
        )
        return response


class TwoFactorMiddleware:
    """Two-factor login (TOTP, django-otp). A user who has a device must enter a code after the password; with
    ``PORTAL_REQUIRE_2FA`` (on in production) city staff, experts, supervisors and administrators must set one up
    first (``portal.twofactor.two_factor_required``). Only the pages that take the code are reachable before it."""

    EXEMPT_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/public/")
    EXEMPT_URL_NAMES = ("otp_setup", "otp_verify", "otp_recovery_codes")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path):
            redirect_to = self._redirect_for(request, user)
            if redirect_to:
                from django.shortcuts import redirect
                from django.utils.http import urlencode

                return redirect(f"{redirect_to}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _exempt(self, path: str) -> bool:
        from django.urls import reverse

        return path.startswith(self.EXEMPT_PREFIXES) or path in {reverse(name) for name in self.EXEMPT_URL_NAMES}

    @staticmethod
    def _redirect_for(request, user) -> str | None:
        from django.urls import reverse

        from portal.twofactor import has_second_factor, two_factor_required

        if user.is_verified():
            return None
        # Recovery codes exist only beside a confirmed authenticator (portal.twofactor), so one query decides.
        if has_second_factor(user):
            return reverse("otp_verify")
        if two_factor_required(user):
            return reverse("otp_setup")
        return None
