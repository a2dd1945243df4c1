#!/usr/bin/env bash
# Installs the Debian packages the project builds and tests against, if any is missing (apt-get as root, or via
# sudo), and the Python packages the daemon's checks use into .venv (scripts/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libsqlite3-dev libsndfile1-dev libglpk-dev pkg-config sqlite3 curl python3-venv prometheus slurm-wlm munge linux-perf
    chromium chromium-driver kamailio
    libre-dev libspandsp-dev libsamplerate0-dev sip-tester espeak-ng baresip
    libpocketsphinx-dev pocketsphinx-en-us)
venv() {
    if [ ! -x .venv/bin/python ] || ! cmp -s scripts/requirements.txt .venv/requirements.txt; then
        python3 -m venv .venv
        .venv/bin/pip install -q -r scripts/requirements.txt
        cp scripts/requirements.txt .venv/requirements.txt
    fi
}
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    venv
    exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no Swift toolchain on PATH; install Swift 6.1 or later from swift.org first" >&2
    exit 1
fi
venv
