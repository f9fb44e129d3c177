#!/usr/bin/env bash
# One command for the whole suite: install, then lint, formatting, migrations, deploy checks, import layers, types,
# translations and the tests (browser tests included, on a freshly created test database). Uses DATABASE_URL /
# REDIS_URL when set (as .ci/run does), the embedded default otherwise. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check . && ruff format --check .
echo "== migrations"; python manage.py makemigrations --check --dry-run >/dev/null
echo "== deploy check"
SECRET_KEY="ci-$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" DJANGO_DEBUG=0 \
  FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
  AUDIT_HMAC_KEY="ci-$(python -c 'import secrets; print(secrets.token_hex(32))')" \
  ALLOWED_HOSTS=portal.example.gov.cn python manage.py check --deploy --fail-level WARNING
echo "== import layers"; lint-imports --no-cache
echo "== types"; scripts/typecheck.sh
echo "== translations"; scripts/i18n.sh --check
echo "== bandit"; bandit -q -r portal workstations applications review subsidies -x '*/migrations/*'
if [ "${PIP_AUDIT:-0}" = "1" ]; then
  # Opt-in: needs an index with vulnerability data (see docs/security.md).
  echo "== pip-audit"; pip-audit -r requirements.lock --strict
fi
echo "== tests"
# Unlike a local run (pyproject.toml: --reuse-db, -m "not browser"), CI builds the test database fresh and runs every
# test, browser tests included (an empty -m overrides the local "not browser").
python -m pytest -n "${PYTEST_WORKERS:-2}" --create-db -m "" "$@"
