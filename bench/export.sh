#!/usr/bin/env bash
# Bulk $export against paging through the same resources with searches (docs/performance.md, "Bulk export"):
# builds Release, starts the gateway on a fresh SQLite database, registers an LA client, takes a token from the token
# endpoint and runs bench/export.py: it writes children with bench/everything.py's record each, then times, in
# rotating rounds, a system and a Patient $export of the record's types (kick-off to the last file downloaded) and
# the baseline: a search per type with _count=1000 through every page. All run through the consent gate and audit.
# Profile validation is off (Validation__Enabled=false): the records are minimal, and reads are what is measured.
#
#   bench/export.sh [--children 500] [--rounds 5] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=export driver=export.py title='Bulk $export against per-type searches' children=500 rounds=5
# shellcheck source=lib/la-driver.sh
source "$root/bench/lib/la-driver.sh"
