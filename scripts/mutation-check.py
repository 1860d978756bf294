#!/usr/bin/env python3
"""Mutation check for the conformance vectors: builds deliberately broken engines and checks
that the vectors catch each one (pgclient conformance must fail). Works on a copy of the
repository in a temporary folder; the working tree is never touched.

Usage: scripts/mutation-check.py [--keep]   (about a minute per mutant on 2 cores)"""
import os, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENGINE = "Sources/PostgreSQLClient/Engine"

# (name, file, text to find, replacement)
MUTANTS = [
    ("endpoints_changed fires together with database_created",
     f"{ENGINE}/DatabaseRequirer.swift",
     '''        if let eventName {
            let fields = try eventFields(context, secrets: secrets)''',
     '''        if eventName == "database_created", diff.touched("endpoints") {
            output.events.append(LibraryEvent(name: "endpoints_changed", relationID: context.relationID, fields: [:]))
        }
        if let eventName {
            let fields = try eventFields(context, secrets: secrets)'''),
    ("the snapshot keeps the remote bag's own data key",
     "Sources/PostgreSQLClient/Databag/Databag+Snapshot.swift",
     '''        members.removeValue(forKey: "data")''',
     '''        _ = members'''),
    ("a non-leader requirer writes the request into the app bag",
     f"{ENGINE}/DatabaseRequirer.swift",
     '''        guard context.isLeader else { return output }
        output.appChanges["database"] = configuration.databaseName''',
     '''        output.appChanges["database"] = configuration.databaseName'''),
    ("database_created needs only a username",
     f"{ENGINE}/DatabaseRequirer.swift",
     '''(diff.added.contains("username") && diff.added.contains("password"))''',
     '''diff.added.contains("username")'''),
    ("the provider ignores requested-secrets and writes credentials in plain text",
     f"{ENGINE}/ProviderSession.swift",
     '''        if context.secretsEnabled, !requested.isEmpty, !fallback {''',
     '''        if false, context.secretsEnabled, !requested.isEmpty, !fallback {'''),
    ("database_requested fires even when entity-type comes with database",
     f"{ENGINE}/DatabaseProvider.swift",
     '''        if diff.added.contains("database"), !diff.added.contains("entity-type") {''',
     '''        if diff.added.contains("database") {'''),
    ("invalid provider data is accepted (no REQ-EVT-REMOTE-INVALID)",
     f"{ENGINE}/DatabaseRequirer.swift",
     '''        if let blocking = violations.first(where: blocks) {''',
     '''        if let blocking = violations.first(where: { _ in false }) {'''),
]

def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)

def main():
    keep = "--keep" in sys.argv
    work = pathlib.Path(tempfile.mkdtemp(prefix="pgclient-mutants-"))
    files = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], ROOT).stdout.split()
    for name in files:
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    print(f"copy of the repository in {work}")
    build = run(["swift", "build", "--product", "pgclient"], work)
    if build.returncode != 0:
        print(build.stdout[-3000:], build.stderr[-3000:]); return 2
    baseline = run([".build/debug/pgclient", "conformance", "Fixtures/vectors"], work)
    print(f"unmutated: {baseline.stdout.strip().splitlines()[-1]} (exit {baseline.returncode})")
    if baseline.returncode != 0:
        print("the unmutated engines must pass every vector first"); return 2
    caught = 0
    for name, path, find, replace in MUTANTS:
        source = (work / path).read_text()
        if find not in source:
            print(f"MUTANT NOT APPLIED ({name}): pattern not found in {path}"); return 2
        (work / path).write_text(source.replace(find, replace, 1))
        try:
            build = run(["swift", "build", "--product", "pgclient"], work)
            if build.returncode != 0:
                print(f"MUTANT DID NOT BUILD ({name})\n{build.stderr[-2000:]}"); return 2
            result = run([".build/debug/pgclient", "conformance", "Fixtures/vectors"], work)
            failing = [l for l in result.stdout.splitlines() if l.startswith("FAIL")]
            verdict = "caught" if result.returncode == 1 and failing else "NOT CAUGHT"
            caught += verdict == "caught"
            print(f"{verdict}: {name}: {result.stdout.strip().splitlines()[-1]}; e.g. {failing[0][5:] if failing else '-'}")
        finally:
            (work / path).write_text(source)
    if not keep:
        shutil.rmtree(work)
    print(f"{caught} passed, {len(MUTANTS) - caught} failed")
    return 0 if caught == len(MUTANTS) else 1

sys.exit(main())
