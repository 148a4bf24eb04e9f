#!/usr/bin/env bash
# Installs Debian's Chromium and its chromedriver for the dashboard's browser test (dev.abg.ui.DashboardIT).
#
# Idempotent: when /usr/bin/chromium and /usr/bin/chromedriver both answer --version with the same major version,
# nothing is installed (about 0.2 s). Otherwise, as root, `apt-get update` then `apt-get install -y chromium chromium-driver`
# (Debian's packages, so the browser and the driver always match). Not root and not installed: exits non-zero with the
# command to run.
#
# Usage: e2e/install-browser.sh
set -euo pipefail

log() { printf '[e2e/install-browser] %s\n' "$*"; }
fail() { printf '[e2e/install-browser] ERROR: %s\n' "$*" >&2; exit 1; }

major() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9.]+' | head -1 | cut -d. -f1; }

browser_ok() {
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || return 1
  local b d
  b="$(major /usr/bin/chromium)"
  d="$(major /usr/bin/chromedriver)"
  [[ -n "$b" && "$b" == "$d" ]]
}

if browser_ok; then
  log "up to date: $(/usr/bin/chromium --version 2>/dev/null), $(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || fail "Chromium is missing; install it with: sudo apt-get install -y chromium chromium-driver"
command -v apt-get >/dev/null 2>&1 || fail "no apt-get here: install Chromium and chromedriver as /usr/bin/chromium and /usr/bin/chromedriver"

start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
timeout "${ABG_E2E_APT_TIMEOUT:-900}" apt-get update -q >/dev/null || fail "apt-get update failed"
timeout "${ABG_E2E_APT_TIMEOUT:-900}" apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null \
  || fail "apt-get install chromium chromium-driver failed"
browser_ok || fail "chromium and chromedriver are installed but do not answer with the same version"
log "installed in $((SECONDS - start)) s: $(/usr/bin/chromium --version 2>/dev/null), $(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
