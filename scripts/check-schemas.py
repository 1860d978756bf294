#!/usr/bin/env python3
"""Cross-checks Specs/schemas against the fixtures: every app and unit bag fixture must validate
against its side's wire schema exactly when `pgclient check` finds no violation in it (JSON-in-
string values are validated against their contentSchema too). Needs the `jsonschema` package."""
import json, pathlib, sys
from jsonschema import Draft202012Validator

root = pathlib.Path(__file__).resolve().parent.parent
schemas = {name: json.loads((root / f"Specs/schemas/{name}.schema.json").read_text())
           for name in ["requirer-app", "provider-app", "requirer-unit", "provider-unit"]}

def errors(schema, bag):
    found = [e.message for e in Draft202012Validator(schema).iter_errors(bag)]
    for key, prop in schema.get("properties", {}).items():
        if key in bag and isinstance(bag[key], str) and "contentSchema" in prop:
            try:
                inner = json.loads(bag[key])
            except ValueError:
                found.append(f"{key}: not JSON")
                continue
            found += [f"{key}: {e.message}" for e in Draft202012Validator(prop["contentSchema"]).iter_errors(inner)]
    return found

# What JSON Schema cannot say; Specs/README.md lists these limits too.
KNOWN_LIMITS = {
    "invalid/requirer-database-64-bytes-utf8.json": "maxLength counts characters; the rule counts UTF-8 bytes",
    "invalid/provider-status-duplicate-code.json": "JSON Schema cannot require a member to be unique across array items",
}

manifest = json.loads((root / "Fixtures/databags/manifest.json").read_text())["fixtures"]
checked = disagreements = 0
for entry in manifest:
    if entry["bag"] not in ("app", "unit") or entry["exit"] == 2 or not entry.get("side"):
        continue
    bag = json.loads((root / "Fixtures/databags" / entry["file"]).read_text())
    problems = errors(schemas[f"{entry['side']}-{entry['bag']}"], bag)
    checked += 1
    if entry["file"] in KNOWN_LIMITS:
        print(f"known limit {entry['file']}: {KNOWN_LIMITS[entry['file']]}")
        continue
    if bool(problems) != bool(entry["rules"]):
        disagreements += 1
        print(f"DISAGREE {entry['file']}: rules {entry['rules']}, schema says {problems[:3]}")
# Every conformance vector must validate against the vector schema.
vector_schema = json.loads((root / "Specs/schemas/vector.schema.json").read_text())
validator = Draft202012Validator(vector_schema)
for path in sorted((root / "Fixtures/vectors").rglob("*.json")):
    checked += 1
    problems = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
    if problems:
        disagreements += 1
        print(f"VECTOR SCHEMA {path.relative_to(root)}: {problems[:2]}")
print(f"{checked - disagreements} passed, {disagreements} failed")
sys.exit(1 if disagreements else 0)
