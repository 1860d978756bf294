#!/usr/bin/env bash
# Runs the json-c layer, and libyaml through JujuYAML, under valgrind on valid and invalid
# documents (success and every error path) and fails if anything leaks ("definitely" or
# "indirectly" lost).
# "possibly lost" blocks are the Swift runtime's metadata caches and are reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product HookStartupProbe >/dev/null
probe=.build/debug/HookStartupProbe
inputs=(
  '{"database": "names_db", "endpoints": "h:5432", "username": "u", "password": "p", "status": "[{\"code\": 4001, \"message\": \"m\", \"resolution\": \"r\"}]", "data": "{\"database\": \"names_db\"}"}'
  '{"database": "names_db", "data": "{\"n\": [1, 2.5e3, -0, {\"a\": null}], \"s\": \"\\u00e9\\ud83d\\ude00\"}"}'
  '{"a": "x", "a": "y"}'
  '{"a": [1,2'
  "{'a': 1}"
  '{"a": "\ud800"}'
  '{"a": "x\u0000y"}'
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'
)
status=0
for input in "${inputs[@]}"; do
  report=$(printf '%s' "$input" | valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 "$probe" 2>&1) || status=1
  lost=$(echo "$report" | grep -E "definitely lost|indirectly lost" | sed 's/==[0-9]*==//' | tr -s ' ' | paste -sd';' -)
  echo "$(echo "$report" | grep -vE '^==' | head -1) |${lost:- no leaks (all heap blocks freed)}"
done
# libyaml (JujuYAML's parser and emitter, through the Pebble client's layer and plan codecs):
# a layer, anchors and merges, flow style, and the error paths (syntax, duplicate key, unknown
# alias, bad UTF-8, alias expansion over the limit, nesting too deep, a type error).
swift build --product PebbleHookProbe >/dev/null
yaml_probe=.build/debug/PebbleHookProbe
yaml_inputs=(
  $'summary: s\nservices:\n    svc:\n        override: replace\n        command: run --port=8000\n        startup: enabled\n        environment: {DB_HOST: "10.0.0.1", PORT: "5432"}\n        after: [db]\nchecks:\n    up:\n        override: replace\n        http: {url: "http://localhost:8000/"}\n'
  $'base: &b {override: merge, command: x}\nservices:\n    a: *b\n    c:\n        <<: *b\n        command: y\n'
  $'services: {a: [1, 2'
  $'a: 1\na: 2\n'
  $'services: *nope\n'
  $'summary: \xff\xfe\n'
  $'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n'
  "$(printf '%.0s[' $(seq 300))$(printf '%.0s]' $(seq 300))"
  $'services:\n    s:\n        user-id: abc\n        kill-delay: [1]\n'
)
for input in "${yaml_inputs[@]}"; do
  report=$(printf '%s' "$input" | valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 "$yaml_probe" --yaml 2>&1) || status=1
  lost=$(echo "$report" | grep -E "definitely lost|indirectly lost" | sed 's/==[0-9]*==//' | tr -s ' ' | paste -sd';' -)
  echo "yaml: $(echo "$report" | grep -vE '^==' | head -1) |${lost:- no leaks (all heap blocks freed)}"
done
[ $status -eq 0 ] && echo "ok: no definite or indirect leaks" || echo "FAIL: valgrind found leaks or errors"
exit $status
