#!/usr/bin/env bash
# Installs what building and testing need from Debian's packages, if it is missing:
# json-c (libjson-c-dev) and libyaml (libyaml-dev), both found with pkg-config, valgrind (leak check), python3; with
# --postgresql also PostgreSQL 15 (throw-away servers for the demo and the tests).
set -euo pipefail
need=()
pkg-config --exists json-c 2>/dev/null || need+=(libjson-c-dev pkg-config)
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev pkg-config)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
if [ "${1:-}" = "--postgresql" ] || [ "${1:-}" = "--all" ]; then
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${need[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
if ! command -v swift >/dev/null 2>&1; then
  echo "swift is not on PATH: install Swift 6 (https://www.swift.org/install/) and retry" >&2
  exit 1
fi
