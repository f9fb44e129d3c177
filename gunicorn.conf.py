"""gunicorn's settings, read from this file because gunicorn looks for ``gunicorn.conf.py`` in the working directory
(the project root here and ``/app`` in the image), so ``docker compose``, the Dockerfile's command and a bare
``gunicorn portal.wsgi:application`` all get them. Flags on the command line still win.

Request bodies (issue 14): gunicorn has no body-size option of its own, so each worker's WSGI application is wrapped
after loading with a guard that answers 413 from the Content-Length, before the portal is called. It is the same
figure as the portal's ``PORTAL_MAX_REQUEST_BYTES`` and the proxy's ``client_max_body_size`` (docs/operations.md).

Issue 21 item 4: a web worker is replaced after ``max_requests`` requests (± up to ``max_requests_jitter``, so the
three workers do not restart together), which bounds what a leak can hold. 10,000: the public pages answer about
1,000 requests a second, and at 1,000 a worker was replaced every few seconds (3–12 replacements in a 10-second
benchmark case, each loading the URLconf on its first request); no request renders a PDF any more (the notice PDF is
a task's), so little grows in a web worker. docs/operations.md "Processes" has the figures.
"""

import os

MAX_REQUEST_BYTES = int(os.environ.get("PORTAL_MAX_REQUEST_BYTES", str(40 * 1024 * 1024)))

# gunicorn's own limits on the request line and headers, stated so they are not changed by accident.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
# A worker finishing its requests before a restart gets this long; then it is killed.
graceful_timeout = 30

# The portal is loaded once, in the master, and every worker is forked from it (issue 21): a worker replaced after
# max_requests serves its first request at once instead of importing Django, the URLconf and the catalogues first
# (about a second in which the other workers carry its share). ``when_ready`` warms what Django loads lazily and
# closes the master's database connections, so no worker inherits a socket; Redis pools reconnect in a forked
# process by themselves (redis-py checks the pid).
preload_app = True


class BodyLimit:
    """WSGI guard: a body declared larger than ``limit`` bytes is refused unread (413, connection closed)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    def __call__(self, environ, start_response):
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > self.limit:
            body = b"Request body too large"
            start_response(
                "413 Content Too Large",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("Connection", "close")],
            )
            return [body]
        return self.app(environ, start_response)


def when_ready(server):
    """In the master, after the portal is loaded and before any worker is forked."""
    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # imports every view module  # noqa: B018
    for code, _name in settings.LANGUAGES:  # the catalogues of every language, merged once
        with translation.override(code):
            translation.gettext(code)  # any lookup merges the catalogues
    get_template("base.html")
    connections.close_all()


def post_worker_init(worker):
    worker.wsgi = BodyLimit(worker.wsgi, MAX_REQUEST_BYTES)
