#!/usr/bin/env bash
# Make sure a Chromium for the browser tests exists at /usr/bin/chromium (what e2e/ drives
# with playwright-core; `npx playwright install` cannot download browsers here).
#
#   scripts/ensure-chromium.sh    exits 0 at once when /usr/bin/chromium exists; otherwise,
#                                 as root on Debian, installs the `chromium` package with apt
#                                 (one `apt-get update`, then `apt-get install -y chromium`);
#                                 in every other case prints what to do and exits 1.
#
# Environment:
#   CHROMIUM_LOG  default /tmp/aivillage-chromium.log (output of apt-get)
set -euo pipefail

CHROMIUM=/usr/bin/chromium
LOG=${CHROMIUM_LOG:-/tmp/aivillage-chromium.log}
LOCK=/tmp/aivillage-chromium.lock

say() { printf 'ensure-chromium: %s\n' "$*" >&2; }
die() { printf 'ensure-chromium: error: %s\n' "$*" >&2; exit 1; }

[[ -x $CHROMIUM ]] && exit 0

[[ -r /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1 ||
  die "$CHROMIUM not found and this is not Debian; install Chromium so that $CHROMIUM exists."
((EUID == 0)) ||
  die "$CHROMIUM not found; install it as root: apt-get update && apt-get install -y chromium"

# Two test runs starting at once must not run apt concurrently (dpkg's lock would fail one).
exec 9>"$LOCK"
flock -w 600 9 || die "timed out waiting for another ensure-chromium run ($LOCK)"
[[ -x $CHROMIUM ]] && exit 0

say "installing chromium with apt (log: $LOG)"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y chromium; } >>"$LOG" 2>&1; then
  printf -- '--- last lines of %s ---\n' "$LOG" >&2
  tail -n 20 "$LOG" >&2
  die "apt-get could not install chromium"
fi
[[ -x $CHROMIUM ]] || die "apt-get installed chromium but $CHROMIUM is missing"
say "installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
