#!/usr/bin/env bash
# Production parity (issue 14 item 5): run the portal the way docker-compose.yml does, on this machine's PostgreSQL and
# Redis, and drive a short journey through it (scripts/prod_parity_journey.py):
#   - production settings: SECRET_KEY, FIELD_ENCRYPTION_KEYS and AUDIT_HMAC_KEY set, DEBUG off, 2FA enforced;
#   - collectstatic with the manifest storage, static files served by WhiteNoise from the hashed names;
#   - the two database roles: db_roles as the administrator, migrate as the owner, everything else as the app role;
#   - gunicorn, a Celery worker and Celery beat against Redis;
#   - log in, submit an application, issue a confirmation document (its PDF must carry the print stylesheet: embedded
#     Noto fonts and the red header), and wait for the scheduled checkpoint job to run through beat and the worker.
# Everything it starts is stopped by process id, and its database and files are removed, whatever happens.
# Environment: DATABASE_SUPERUSER_URL (default postgres://postgres@127.0.0.1:5432/postgres), PARITY_REDIS_URL,
# PARITY_PORT (default 18714), PARITY_KEEP=1 to keep the work directory for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$PWD/.venv/bin/python}
BIN=$(dirname "$PY")
PORT=${PARITY_PORT:-18714}
SUPER=${DATABASE_SUPERUSER_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SERVER=${SUPER%/*}
DB=portal_parity_$$
REDIS=${PARITY_REDIS_URL:-redis://127.0.0.1:6379/14}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-parity.XXXXXX")
PIDS=()

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS" flushdb >/dev/null 2>&1 || true
  if ((status != 0)); then
    echo "== parity FAILED; the last lines of each log:" >&2
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 25 "$log" >&2; }; done
  fi
  if [ "${PARITY_KEEP:-0}" = "1" ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT INT TERM

export DJANGO_SETTINGS_MODULE=portal.settings
export SECRET_KEY="parity-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export FIELD_ENCRYPTION_KEYS="$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export AUDIT_HMAC_KEY="$("$PY" -c 'import secrets; print(secrets.token_hex(32))')"
unset DJANGO_DEBUG CELERY_TASK_ALWAYS_EAGER
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$PORT
export SECURE_SSL_REDIRECT=false  # TLS ends at the reverse proxy in production; here nothing stands in front
export REDIS_URL=$REDIS
export PORTAL_VAR_DIR=$WORK/var STATIC_ROOT=$WORK/static PRIVATE_MEDIA_ROOT=$WORK/private
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$WORK/mail
export AUDIT_CHECKPOINT_FILE=$WORK/checkpoints/chain-heads.jsonl AUDIT_CHECKPOINT_SECONDS=4
export DATABASE_APP_ROLE=portal_app
OWNER_URL=${SERVER/\/\/*@/\/\/portal_owner@}/$DB
APP_URL=${SERVER/\/\/*@/\/\/portal_app@}/$DB

echo "== parity: database $DB with its roles"
psql "$SERVER/postgres" -qc "CREATE DATABASE $DB" >/dev/null
DATABASE_URL=$SERVER/$DB "$PY" manage.py db_roles
DATABASE_URL=$OWNER_URL "$PY" manage.py migrate --no-input -v0
echo "== parity: deploy check, collectstatic (manifest storage)"
DATABASE_URL=$APP_URL SECURE_SSL_REDIRECT=true "$PY" manage.py check --deploy --fail-level WARNING
DATABASE_URL=$APP_URL "$PY" manage.py collectstatic --no-input -v0
test -f "$STATIC_ROOT/staticfiles.json"
export DATABASE_URL=$APP_URL
echo "== parity: demo data (as the application role)"
"$PY" manage.py seed_demo --quiet-logins
redis-cli -u "$REDIS" flushdb >/dev/null

echo "== parity: gunicorn on 127.0.0.1:$PORT, Celery worker and beat"
"$BIN/gunicorn" portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --access-logfile "$WORK/access.log" >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
"$BIN/celery" -A portal worker --loglevel INFO --concurrency 1 --without-gossip --without-mingle \
  -n "parity$$@%h" >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
"$BIN/celery" -A portal beat --loglevel INFO --schedule "$WORK/celerybeat-schedule" >"$WORK/beat.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" 2>/dev/null && break
  sleep 0.5
done

echo "== parity: journey"
"$PY" scripts/prod_parity_journey.py --base "http://127.0.0.1:$PORT" --work "$WORK"

echo "== parity: logs"
if grep -E "Failed to load|Traceback|ERROR" "$WORK"/gunicorn.log "$WORK"/worker.log "$WORK"/beat.log; then
  echo "errors in the logs above" >&2
  exit 1
fi
echo "== parity: OK"
