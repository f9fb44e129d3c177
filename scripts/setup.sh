#!/usr/bin/env bash
# Install everything the portal needs on Debian with Python 3.11: the system pieces (a CJK font and
# libharfbuzz-subset0 for WeasyPrint, gettext for the catalogues, poppler-utils for PDF checks, Chromium for the
# browser tests), a virtual environment with the locked dependencies, and the compiled translations.
set -euo pipefail
cd "$(dirname "$0")/.."

# texlive-lang-chinese carries FandolFang, the free 仿宋 face of official documents (GB/T 9704); it is linked into
# fontconfig's path below (TeX Live keeps its OpenType fonts outside it).
APT_PACKAGES=(python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils
  texlive-lang-chinese)
[[ "${WITH_BROWSER:-1}" == "1" ]] && APT_PACKAGES+=(chromium)

# A fresh Debian machine often runs unattended-upgrades at boot: wait for the package locks (at most 10 minutes,
# saying so) instead of failing at once.
wait_for_apt_lock() {
  local locks=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock) waited=0
  command -v fuser >/dev/null || return 0
  while fuser "${locks[@]}" >/dev/null 2>&1; do
    if ((waited == 0)); then echo "Another program is installing packages (apt/dpkg lock held); waiting up to 10 minutes…"; fi
    if ((waited >= 600)); then echo "The apt/dpkg lock is still held after 10 minutes; try again later." >&2; exit 1; fi
    sleep 5; waited=$((waited + 5))
    ((waited % 60 == 0)) && echo "  still waiting for the apt/dpkg lock (${waited} s)…"
  done
  return 0
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Missing system packages and no root or sudo: run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  wait_for_apt_lock
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  plain=()
  for pkg in "${missing[@]}"; do [[ "$pkg" == texlive-lang-chinese ]] || plain+=("$pkg"); done
  ((${#plain[@]})) && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${plain[@]}" >/dev/null
  if [[ " ${missing[*]} " == *" texlive-lang-chinese "* ]]; then  # without the recommended TeX Live documentation
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends texlive-lang-chinese >/dev/null
  fi
fi
FANDOL=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
if ! fc-list | grep -q FandolFang; then
  [[ $(id -u) -eq 0 ]] && SUDO="" || SUDO="sudo"
  $SUDO mkdir -p /usr/local/share/fonts && $SUDO ln -sfn "$FANDOL" /usr/local/share/fonts/fandol && $SUDO fc-cache -f >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.lock -e '.[dev]'
.venv/bin/python -m django compilemessages --ignore='.venv/*' >/dev/null
echo "Setup complete."
