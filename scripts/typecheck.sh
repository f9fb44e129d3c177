#!/usr/bin/env bash
# mypy (django-stubs; settings in pyproject.toml [tool.mypy]) over the services and selectors of every app. The
# targets are globbed, so flat modules (services.py, services_outcomes.py, exit_services.py, selectors_outcomes.py)
# and packages (services/, selectors/) are both found. Extra arguments go to mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
targets=()
for app in portal workstations applications review subsidies; do
  for path in "$app"/**/services.py "$app"/**/services_*.py "$app"/**/*_services.py "$app"/**/services/**/*.py \
    "$app"/**/selectors.py "$app"/**/selectors_*.py "$app"/**/*_selectors.py "$app"/**/selectors/**/*.py; do
    case "/$path" in
      */migrations/* | */forms_* | */models_* | */views_* | */forms/* | */models/* | */views/* | */tests/*) ;;
      *) targets+=("$path") ;;
    esac
  done
done
# Service modules named by what they serve (split off a services module to keep it under 400 lines, issue 20).
targets+=(applications/vetting.py applications/channels.py review/publicity/objections.py)
mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
exec "${VIRTUAL_ENV:-.venv}/bin/mypy" "$@" "${targets[@]}"
