#!/usr/bin/env bash
# Builds the tutorial's charm: a statically linked demo-api-charm (Swift runtime and json-c
# included, no shared libraries needed on the unit) placed in Examples/charm/bin/, then packs
# Examples/charm into demo-api-charm.charm (a zip, as charmcraft makes it).
# Usage: scripts/build-charm.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build/charm}"
scripts/install-prerequisites.sh
command -v zip >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq zip >/dev/null; }
# A static executable needs libjson-c.a (libjson-c-dev ships it) and glibc's static libraries.
swift build -c release --product demo-api-charm --scratch-path .build-static -Xswiftc -static-executable
mkdir -p Examples/charm/bin "$out"
cp .build-static/release/demo-api-charm Examples/charm/bin/demo-api-charm
strip Examples/charm/bin/demo-api-charm
rm -f "$out/demo-api-charm.charm"
(cd Examples/charm && zip -q -r "$OLDPWD/$out/demo-api-charm.charm" metadata.yaml charmcraft.yaml config.yaml dispatch bin)
echo "built $out/demo-api-charm.charm ($(du -h "$out/demo-api-charm.charm" | cut -f1)); binary: $(file -b Examples/charm/bin/demo-api-charm | cut -d, -f1-2)"
