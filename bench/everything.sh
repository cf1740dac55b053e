#!/usr/bin/env bash
# Patient/{id}/$everything against the searches a client would make without it (docs/performance.md, "$everything"):
# builds Release, starts the gateway on a fresh SQLite database, registers an LA client, takes a token from the token
# endpoint and runs bench/everything.py: it writes children with a realistic record each (plan, outcomes, needs,
# request, episodes, observations), then times, child by child and alternating, $everything (all pages) and the
# baseline: a read of the Patient and one search per type for the same resources. Both run through the consent gate.
# Profile validation is off (Validation__Enabled=false): the records are minimal, and reads are what is measured.
#
#   bench/everything.sh [--children 40] [--rounds 5] [--out DIR]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=everything driver=everything.py title='Patient/{id}/$everything against per-type searches' children=40 rounds=5
# shellcheck source=lib/la-driver.sh
source "$root/bench/lib/la-driver.sh"
