#!/usr/bin/env bash
# Make the real datasets that @aivillage/training uses available under data/datasets/.
#
#   scripts/datasets.sh   fetch what is missing (idempotent), then print one line
#
# digits.csv.gz: the UCI optical handwritten digits (1,797 8x8 images, pixel values 0-16,
# 10 classes; one line per image: 64 pixel values, then the label) as scikit-learn ships it.
# Taken from a scikit-learn that python3 can already import, else from Debian's
# python3-sklearn package, downloaded with `apt-get download` and unpacked with `dpkg -x`
# into a temporary directory (nothing is installed). apt-get update runs once, as root, only
# when apt knows no python3-sklearn yet. Anywhere else the script exits 1 saying what to do,
# after the last lines apt printed.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=data/datasets
DIGITS=$DIR/digits.csv.gz
MEMBER=sklearn/datasets/data/digits.csv.gz

TMPD=
LOG=
trap 'rm -rf "${TMPD:-}"' EXIT

say() { printf 'datasets: %s\n' "$*" >&2; }
die() {
  if [[ -s $LOG ]]; then
    printf -- '--- apt-get said ---\n' >&2
    tail -n 15 "$LOG" >&2
    printf -- '---\n' >&2
  fi
  printf 'datasets: error: %s\n' "$*" >&2
  exit 1
}

# The number of images in a digits file, or nothing when it is not one.
digits_count() {
  gzip -dc "$1" 2>/dev/null | awk -F, 'NF != 65 { bad = 1 } END { if (!bad && NR > 0) print NR }'
}

# A scikit-learn python3 can import (pip or Debian) already holds the file.
from_python() {
  local pkg
  pkg=$(python3 -c 'import os, sklearn; print(os.path.dirname(sklearn.__file__))' 2>/dev/null) || return 1
  [[ -f ${pkg%/sklearn}/$MEMBER ]] && cp "${pkg%/sklearn}/$MEMBER" "$1"
}

# apt-get download python3-sklearn into $TMPD and unpack it there.
from_apt() {
  command -v apt-get >/dev/null && command -v dpkg >/dev/null || return 1
  mkdir -p "$TMPD/deb"
  chmod 755 "$TMPD" "$TMPD/deb"
  # As root, apt downloads as the unprivileged _apt user where it exists.
  if [[ $(id -u) == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$TMPD/deb"; fi
  local download=(apt-get -q -o Dpkg::Use-Pty=0 download python3-sklearn)
  if ! (cd "$TMPD/deb" && "${download[@]}") >>"$LOG" 2>&1; then
    # A fresh machine's apt knows no packages until its lists are fetched.
    [[ $(id -u) == 0 ]] || return 1
    say "apt-get update"
    apt-get -q -o DPkg::Lock::Timeout=300 update >>"$LOG" 2>&1 || return 1
    (cd "$TMPD/deb" && "${download[@]}") >>"$LOG" 2>&1 || return 1
  fi
  dpkg -x "$TMPD"/deb/python3-sklearn_*.deb "$TMPD/root" >>"$LOG" 2>&1 || return 1
  cp "$TMPD/root/usr/lib/python3/dist-packages/$MEMBER" "$1"
}

if [[ ! -f $DIGITS ]] || [[ -z $(digits_count "$DIGITS") ]]; then
  mkdir -p "$DIR"
  TMPD=$(mktemp -d /tmp/aivillage-datasets.XXXXXX)
  LOG=$TMPD/apt.log
  part=$TMPD/digits.csv.gz
  if from_python "$part"; then
    say "copied digits.csv.gz from python3's scikit-learn"
  elif from_apt "$part"; then
    say "extracted digits.csv.gz from Debian's python3-sklearn package"
  else
    die "$DIGITS is missing and could not be fetched (no scikit-learn for python3, and apt-get download python3-sklearn failed). Run this script as root on Debian/Ubuntu (sudo bash scripts/datasets.sh), or copy $MEMBER from a scikit-learn install (pip install scikit-learn) to $DIGITS"
  fi
  [[ -n $(digits_count "$part") ]] || die "the digits.csv.gz fetched is not 65 comma-separated columns per line"
  # Rename into place, so concurrent runs and readers never see half a file.
  mv "$part" "$DIGITS.$$" && mv -f "$DIGITS.$$" "$DIGITS"
fi
echo "datasets: digits ($(digits_count "$DIGITS") images) ready at $DIGITS"
