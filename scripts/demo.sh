#!/usr/bin/env bash
# The main job: installs prerequisites (json-c, and PostgreSQL 15 for a real throw-away server),
# builds pgclient and replays Juju's tutorial "Integrate your charm with PostgreSQL" with the
# Swift demo-api-charm and a fake postgresql-k8s (pgclient demo), then checks the databags
# they exchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh --postgresql
swift build --product pgclient >/dev/null
.build/debug/pgclient demo "$@"
echo
echo "== the same protocol, checked: a real-shaped answer from postgresql-k8s under Juju 3"
.build/debug/pgclient check Fixtures/databags/valid/provider-app-juju3-secrets.json
