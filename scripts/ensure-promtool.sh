#!/usr/bin/env bash
# Make Prometheus' `promtool` available to the deploy checks (libs/observability): they run
# `promtool check config`, `promtool test rules` and `promtool check metrics`.
#
#   scripts/ensure-promtool.sh    prints the path of a working promtool and exits 0:
#                                 $PROMTOOL when set, else promtool on PATH, else
#                                 data/tools/promtool/usr/bin/promtool (absolute), extracting it there
#                                 from Debian's `prometheus` package when missing.
#
# The package is downloaded with `apt-get download` and unpacked with `dpkg -x` (nothing is
# installed): installing it would pull a dozen JavaScript packages for the web UI and start a
# Prometheus daemon, and promtool is one self-contained binary. apt-get update runs once, as
# root, only when apt knows no `prometheus` yet. Anywhere else the script exits 1 saying what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=data/tools/promtool
BIN=$PWD/$DIR/usr/bin/promtool
LOCK=/tmp/aivillage-promtool.lock

say() { printf 'ensure-promtool: %s\n' "$*" >&2; }
works() { [[ -x $1 ]] && "$1" --version >/dev/null 2>&1; }

if [[ -n ${PROMTOOL:-} ]]; then
  works "$PROMTOOL" || { say "error: PROMTOOL=$PROMTOOL does not run"; exit 1; }
  echo "$PROMTOOL"
  exit 0
fi
if found=$(command -v promtool 2>/dev/null) && works "$found"; then echo "$found"; exit 0; fi
if works "$BIN"; then echo "$BIN"; exit 0; fi

TMPD=
LOG=
trap 'rm -rf "${TMPD:-}"' EXIT
die() {
  if [[ -s ${LOG:-} ]]; then
    printf -- '--- apt-get said ---\n' >&2
    tail -n 15 "$LOG" >&2
    printf -- '---\n' >&2
  fi
  say "error: $*"
  exit 1
}

command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  die "promtool not found and this is not Debian: install Prometheus' promtool on PATH or set PROMTOOL=/path/to/promtool"

# Two setups at once must not both download and unpack into the same directory.
exec 9>"$LOCK"
flock -w 300 9 || die "timed out waiting for another ensure-promtool run ($LOCK)"
if works "$BIN"; then echo "$BIN"; exit 0; fi

TMPD=$(mktemp -d /tmp/aivillage-promtool.XXXXXX)
LOG=$TMPD/apt.log
mkdir -p "$TMPD/deb"
chmod 755 "$TMPD" "$TMPD/deb"
# As root, apt downloads as the unprivileged _apt user where it exists.
if [[ $(id -u) == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$TMPD/deb"; fi
download=(apt-get -q -o Dpkg::Use-Pty=0 download prometheus)
say "extracting promtool from Debian's prometheus package into $DIR"
if ! (cd "$TMPD/deb" && "${download[@]}") >>"$LOG" 2>&1; then
  # A fresh machine's apt knows no packages until its lists are fetched.
  [[ $(id -u) == 0 ]] || die "apt-get download prometheus failed; run as root (sudo bash $0) or install promtool"
  say "apt-get update"
  apt-get -q -o DPkg::Lock::Timeout=300 update >>"$LOG" 2>&1 || die "apt-get update failed"
  (cd "$TMPD/deb" && "${download[@]}") >>"$LOG" 2>&1 || die "apt-get download prometheus failed"
fi
dpkg -x "$TMPD"/deb/prometheus_*.deb "$TMPD/root" >>"$LOG" 2>&1 || die "dpkg -x failed"
works "$TMPD/root/usr/bin/promtool" || die "the promtool in Debian's prometheus package does not run here"
mkdir -p "$DIR/usr/bin"
# Rename into place, so concurrent readers never see half a binary.
cp "$TMPD/root/usr/bin/promtool" "$BIN.$$" && mv -f "$BIN.$$" "$BIN"
say "$("$BIN" --version 2>&1 | head -n 1)"
echo "$BIN"
