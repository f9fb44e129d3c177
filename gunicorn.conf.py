"""gunicorn's settings, read from this file because gunicorn looks for ``gunicorn.conf.py`` in the working directory
(the project root here and ``/app`` in the image), so ``docker compose``, the Dockerfile's command and a bare
``gunicorn portal.wsgi:application`` all get them. Flags on the command line still win.

Issue 21 item 4: a web worker is replaced after ``max_requests`` requests (± up to ``max_requests_jitter``, so the
three workers do not restart together), which bounds what a leak or a large render (the public notice PDF) can hold.
docs/operations.md "Processes" has the figures.
"""

import os

max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# A worker finishing its requests before a restart gets this long; then it is killed.
graceful_timeout = 30
