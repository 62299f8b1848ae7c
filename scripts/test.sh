#!/usr/bin/env bash
# Runs every test from a fresh machine: installs what the tests need (Debian packages, npm packages),
# builds, lints, type-checks, then runs the unit/server tests (Vitest) and the browser tests (Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Debian packages the tests drive for real. Installed only when missing.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# Several server nodes: Redis shares rooms between them, nginx balances browsers across them. The tests
# start their own instances on loopback ports (never the system services these packages install).
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/sbin/nginx ] || need+=(nginx)
# Cross-browser check: Debian Firefox ESR driven by puppeteer-core over WebDriver BiDi.
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
# TURN relay tests: each starts its own coturn (turnserver) on loopback, never the system service.
command -v turnserver >/dev/null || need+=(coturn)
# The call recovery test cuts one browser's ICE ports for 3 s with iptables (a real outage, loopback only);
# the network lab builds namespaces, links and NATs with ip and iptables.
[ -x /usr/sbin/iptables ] || need+=(iptables)
command -v ip >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  step "Installing ${need[*]} (apt-get)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages"
  npm ci --no-audit --no-fund
fi

step "Build"
npm run build

step "Load budget (first screen ≤ 150 kB of gzipped JavaScript)"
npm run size

step "Lint and format (Biome)"
npm run lint

step "Type-check"
npm run typecheck

results=$(mktemp -d)
status=0

step "Unit and server tests (Vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1

step "Browser tests (Playwright, Debian Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npx playwright test --reporter=list,json || status=1

step "Network lab (Playwright in network namespaces: NATs, firewalls, loss; needs root)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/network.json" npm run test:network -- --reporter=list,json || status=1

node scripts/test-summary.mjs "$results/vitest.json" "$results/playwright.json" "$results/network.json" || status=1
exit $status
