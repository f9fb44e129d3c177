"""The benchmark's WSGI entry point for gunicorn: the portal (``benchmarks.settings``, which adds the trivial Django
view ``/bench/trivial/``) and, under ``/bench/bare/``, a bare WSGI application that never reaches Django — the
ceiling of what gunicorn itself serves on this machine. One server, same workers, so the three are side by side.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

from django.core.wsgi import get_wsgi_application

portal = get_wsgi_application()
BARE = b"ok"


def bare(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BARE)))])
    return [BARE]


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/bench/bare/"):
        return bare(environ, start_response)
    return portal(environ, start_response)
