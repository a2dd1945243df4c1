#!/usr/bin/env bash
# Installs the Debian packages the project builds against, if any is missing. Runs apt-get as root (or via sudo).
set -euo pipefail
packages=(libsqlite3-dev libsndfile1-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no Swift toolchain on PATH; install Swift 6.1 or later from swift.org first" >&2
    exit 1
fi
