#!/usr/bin/env bash
# Extract every user-facing string into the zh_Hans catalogues (one per app, plus locale/ for portal/ and templates/),
# then compile them. With --check, fail when any entry lacks a Chinese translation or is marked fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
# django-admin, not "python -m django": run inside an app folder, -m would let selectors.py shadow the stdlib.
DJANGO_ADMIN="$(dirname "$PY")/django-admin"
export PYTHONPATH=$ROOT
export DJANGO_SETTINGS_MODULE=portal.settings
common=(--no-location --no-obsolete -l zh_Hans)
$DJANGO_ADMIN makemessages "${common[@]}" --ignore='.venv/*' --ignore='workstations/*' --ignore='applications/*' \
  --ignore='review/*' --ignore='subsidies/*' --ignore='tests/*' --ignore='benchmarks/*' --ignore='var/*' >/dev/null
for app in workstations applications review subsidies; do
  mkdir -p "$app/locale"
  (cd "$app" && $DJANGO_ADMIN makemessages "${common[@]}" >/dev/null)
done
if [[ "${1:-}" == "--check" ]]; then
  $PY scripts/po_check.py locale/zh_Hans/LC_MESSAGES/django.po */locale/zh_Hans/LC_MESSAGES/django.po
fi
$DJANGO_ADMIN compilemessages --ignore='.venv/*' >/dev/null
