#!/usr/bin/env bash
# The UI's tests: install (npm ci, skipped when node_modules already matches
# package-lock.json), type-check, build ui/dist, run the unit tests (vitest), then the
# browser tests (playwright-core driving Debian's chromium headless against ui/dist with
# the fixture-mocked backend). Quiet on success; prints the failing step's output and
# exits non-zero on failure. Screenshots land in ui/test-results/screenshots/.
# `scripts/ui-test.sh --build-only` installs and builds ui/dist, nothing else (make run).
set -euo pipefail
export NO_COLOR=1
cd "$(dirname "$0")/../ui"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() {
  local name=$1; shift
  if ! "$@" >"$log" 2>&1; then
    echo "ui-test: $name failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing chromium" apt-get install -y -qq chromium
  else
    echo "ui-test: $chromium is missing; install it with: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

stamp=node_modules/.mast-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "npm ci" npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

if [ "${1:-}" = --build-only ]; then
  step "build" npm run --silent build
  echo "ui: built ui/dist"
  exit 0
fi

step "type check (svelte-check)" npm run --silent check
step "build" npm run --silent build
step "unit tests (vitest)" npx vitest run --reporter=dot
unit=$(grep -Eo 'Tests +[0-9]+ passed' "$log" | grep -Eo '[0-9]+' || true)
step "browser tests (chromium)" npx vitest run --config vitest.browser.config.ts --reporter=dot
browser=$(grep -Eo 'Tests +[0-9]+ passed' "$log" | grep -Eo '[0-9]+' || true)
echo "ui-test: ok (${unit:-?} unit tests, ${browser:-?} browser tests; screenshots in ui/test-results/screenshots/)"
