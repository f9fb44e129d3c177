#!/usr/bin/env bash
# One command for a newcomer: install, build the demo world on the embedded default and serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=0 scripts/setup.sh
unset DATABASE_URL REDIS_URL SECRET_KEY
# The demo serves as production would show it: DEBUG off, so a mistyped address gets the portal's own 404 page in
# Chinese, and static files come from whitenoise (collected once under var/staticfiles).
export DJANGO_DEBUG=0
echo "Preparing the database and static files…"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py collectstatic --no-input -v0
echo "Building the demo world…"
.venv/bin/python manage.py seed_demo
echo
echo "Serving http://127.0.0.1:8000 (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver --noreload 127.0.0.1:8000
