"""Error pages that need nothing but their template file (issue 22).

The 500 page is what a user sees when something is broken, often the database itself, so it must not touch the
database, the session or the user: it is a plain template rendered without a request (no context processors), in
Chinese with the English line below. The 503 page answers every request while the maintenance flag file
(``settings.MAINTENANCE_FLAG_FILE``, switched by ``manage.py maintenance on|off``) exists.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 300


def static_page(template_name: str, status: int) -> HttpResponse:
    response = HttpResponse(loader.get_template(template_name).render(), status=status)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    return static_page("500.html", 500)


def maintenance_page() -> HttpResponse:
    response = static_page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class MaintenanceMiddleware:
    """First in the chain: while the flag file exists every request but static files gets the 503 page, before any
    session or database is touched. A file, not a setting, so that switching needs no restart of any process."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MAINTENANCE_FLAG_FILE.exists() and not request.path.startswith(settings.STATIC_URL):
            return maintenance_page()
        return self.get_response(request)
