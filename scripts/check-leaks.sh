#!/usr/bin/env bash
# Runs the json-c layer under valgrind on valid and invalid documents (success and every error
# path) and fails if any json-c object or tokener leaks ("definitely" or "indirectly" lost).
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
[ $status -eq 0 ] && echo "ok: no definite or indirect leaks" || echo "FAIL: valgrind found leaks or errors"
exit $status
