#!/usr/bin/env bash
# The Web UI check drives Debian's Chromium through playwright-core; browsers are never downloaded.
set -euo pipefail
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the Web UI check (about 30 s)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The Web UI check needs Chromium at $path: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
