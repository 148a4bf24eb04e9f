#!/usr/bin/env bash
# Installs the pinned agent CLIs (package-lock.json) into e2e/node_modules for the end-to-end tests.
#
# Idempotent and fast when nothing changed: a stamp file in node_modules holds the sha256 of
# package-lock.json; when it matches and both binaries answer --version with the pinned version,
# nothing is installed. Otherwise `npm ci` reinstalls from the lock.
#
# Claude Code's npm package ships bin/claude.exe as a 500-byte shell stub that its postinstall
# (install.cjs) replaces with the native binary from @anthropic-ai/claude-code-<platform>. When the
# postinstall did not run (ignore-scripts, a script allow-list), this script runs install.cjs itself.
#
# Usage: e2e/install.sh            (from anywhere; exits non-zero when the CLIs are not usable)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

log() { printf '[e2e/install] %s\n' "$*"; }
fail() { printf '[e2e/install] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || fail "node is not on PATH (needed for npm and for the codex launcher)"
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH"
[[ -f package-lock.json ]] || fail "package-lock.json is missing in $here"

claude_want="$(node -p 'require("./package.json").dependencies["@anthropic-ai/claude-code"]')"
codex_want="$(node -p 'require("./package.json").dependencies["@openai/codex"]')"
lock_sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.abg-install-stamp"
claude_bin="node_modules/.bin/claude"
codex_bin="node_modules/.bin/codex"
claude_pkg="node_modules/@anthropic-ai/claude-code"

# Each --version call gets a throw-away HOME so that nothing is written to the user's home.
version_of() {
  local bin="$1" tmp out
  tmp="$(mktemp -d)"
  out="$(HOME="$tmp" CODEX_HOME="$tmp" DISABLE_AUTOUPDATER=1 timeout 60 "$bin" --version </dev/null 2>/dev/null || true)"
  rm -rf "$tmp"
  printf '%s' "$out"
}

clis_ok() {
  [[ -x "$claude_bin" && -x "$codex_bin" ]] || return 1
  [[ "$(version_of "$claude_bin")" == "$claude_want (Claude Code)" ]] || return 1
  [[ "$(version_of "$codex_bin")" == "codex-cli $codex_want" ]] || return 1
}

if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sha" ]] && clis_ok; then
  log "up to date: claude-code $claude_want, codex $codex_want (lock sha256 ${lock_sha:0:12}); nothing to do"
  exit 0
fi

log "installing from package-lock.json (sha256 ${lock_sha:0:12}) with npm $(npm --version), node $(node --version)"
start=$SECONDS
rm -f "$stamp"
timeout "${ABG_E2E_NPM_TIMEOUT:-900}" npm ci --no-audit --no-fund || fail "npm ci failed (or ran longer than ${ABG_E2E_NPM_TIMEOUT:-900} s)"
log "npm ci took $((SECONDS - start)) s"

# The 500-byte stub starts with 'echo "Error: claude native binary not installed."'; the real one is hundreds of MB.
claude_exe="$claude_pkg/bin/claude.exe"
[[ -f "$claude_exe" ]] || fail "$claude_exe is missing after npm ci"
if [[ "$(stat -c %s "$claude_exe")" -lt 1000000 ]]; then
  log "claude-code's postinstall did not run ($claude_exe is the stub); running install.cjs"
  (cd "$claude_pkg" && node install.cjs)
  [[ "$(stat -c %s "$claude_exe")" -ge 1000000 ]] || fail "install.cjs did not put the native claude binary in place"
fi

clis_ok || fail "the installed CLIs do not answer with the pinned versions (claude: '$(version_of "$claude_bin")', codex: '$(version_of "$codex_bin")')"
printf '%s' "$lock_sha" >"$stamp"
log "installed: $(version_of "$claude_bin"), $(version_of "$codex_bin"); node_modules is $(du -sh node_modules | cut -f1)"
