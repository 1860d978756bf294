#!/usr/bin/env bash
# The main job: installs prerequisites, builds pgclient, and shows it checking the databags a
# requirer (demo-api-charm, the tutorial's charm) and postgresql-k8s exchange — first as the real
# peers write them under Juju 3 and Juju 2.9, then a broken answer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
swift build --product pgclient >/dev/null
pgclient=.build/debug/pgclient
fixtures=Fixtures/databags

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }
run() { step "$@"; "${@:2}" || echo "(exit $?)"; }

run "the tutorial charm's request, Juju 3 (secrets)" $pgclient check $fixtures/valid/requirer-app-juju3-secrets.json
run "postgresql-k8s's answer, Juju 3: credentials in secret-user" $pgclient check $fixtures/valid/provider-app-juju3-secrets.json
run "postgresql-k8s's answer, Juju 2.9: credentials in the bag (never printed)" $pgclient check $fixtures/valid/provider-app-juju29-plaintext.json
run "juju show-unit demo-api-charm/0 --format=json, every bag of the relation" $pgclient check $fixtures/valid/show-unit-requirer-juju3.json
broken='{"database": "names_db", "endpoints": "10.1.0.5:0,fe80::1:5432", "password": "Xy9Pw0rdNeverPrinted", "secret-user": "secret:not-a-secret", "tls": "yes", "username": "relation_id_7"}'
step "a broken answer: a port 0 and an IPv6 address without brackets, credentials in plain text and in a secret, tls neither true nor false, a bad secret URI" \
  "echo '$broken' | $pgclient check --side provider -"
echo "$broken" | $pgclient check --side provider - || echo "(exit $?)"
step "the same as JSON, for tools" "echo ... | $pgclient check --json --side provider -"
echo "$broken" | $pgclient check --json --side provider - || echo "(exit $?)"
run "input that is not a databag at all: a value that is not a string" $pgclient check $fixtures/invalid/input-value-number.json
