#!/usr/bin/env python3
"""Run `pgclient-vector/0` conformance vectors on Canonical's Python libraries.

Usage: run_reference.py [--all-diffs] [--verbose] PATH...

Every vector (files, or folders searched recursively for `*.json` whose `format` is
`pgclient-vector/0`) that the Python reference can run is played step by step under ops'
testing framework (Scenario): a minimal charm is built at run time around the reference
library, each step is one Scenario event, and the library events it emits and the databags it
leaves are compared with the vector's `expect`, with the same rules as `pgclient conformance`.

Reference used per side:
- provider: `dpcharmlibs.interfaces.ResourceProviderEventHandler` (PyPI package
  `dpcharmlibs-interfaces`, data_interfaces v1), which serves v0 requirers. The vector's charm
  calls (v0 method names) are mapped onto its v1 API (see CALLS below).
- requirer: data_interfaces v0 (`charms.data_platform_libs.v0.data_interfaces`) is only
  distributed through Charmhub, not a package registry, so requirer vectors are skipped.

Prints one line per vector (PASS / FAIL with the first difference / SKIP with the reason) and
closes with `N passed, M failed, K skipped`. Exit 0 when nothing failed, 1 when something
failed, 2 when an input is unusable (the message names the file and the field).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

FORMAT = 'pgclient-vector/0'
SECRET_URI_PLACEHOLDER = '{{secret-uri}}'
SECRET_URI_RE = re.compile(r'^secret:(//[^/]+/)?[0-9a-z]{10,}$')
JSON_KEYS = {'data', 'requested-secrets', 'entity-permissions'}
HOOKS = {
    'relation-created',
    'relation-joined',
    'relation-changed',
    'relation-departed',
    'relation-broken',
    'secret-changed',
    'leader-elected',
}

REQUIRER_UNAVAILABLE = 'reference unavailable: data_interfaces v0 is not served by a package registry'

# Our deliberate differences from the Python library (see Specs/ and the engine notes).
DELIBERATE_SPEC_IDS = {
    'REQ-EVT-REMOTE-INVALID': 'deliberate difference REQ-EVT-REMOTE-INVALID: we validate the '
    "provider's bag and fail the hook; the Python library does not",
}
# Notes that mark a vector as testing one of our deliberate differences.
DIFFERENCE_NOTE_RE = re.compile(
    r'deliberate|intentional|differs from (the )?python|python (library )?differs|'
    r'our difference|not python|unlike python',
    re.IGNORECASE,
)

# v0 provider failures the dpcharmlibs v1 provider does not have (vectors expecting them skip).
LACKING_ERRORS = {
    'PROV-SET-PREMATURE': 'reference lacks PROV-SET-PREMATURE: the dpcharmlibs v1 provider has no '
    'premature-write guard (v0 raises PrematureDataAccessError before the requirer asked for a '
    'database)',
}

# v1 provider event kind -> v0 event name.
PROVIDER_EVENTS = {
    'resource_requested': 'database_requested',
    'resource_entity_requested': 'database_entity_requested',
    'resource_entity_permissions_changed': 'database_entity_permissions_changed',
    'mtls_cert_updated': 'mtls_cert_updated',
    'bulk_resources_requested': 'bulk_resources_requested',
}
PROVIDER_EVENT_NAMES_V0 = set(PROVIDER_EVENTS.values())

# v0 event attribute -> how to read it from the v1 request model.
PROVIDER_FIELDS = {
    'database': 'resource',
    'extra_user_roles': 'extra_user_roles',
    'extra_group_roles': 'extra_group_roles',
    'external_node_connectivity': 'external_node_connectivity',
    'prefix_matching': 'prefix_matching',
    'entity_type': 'entity_type',
    'entity_permissions': 'entity_permissions',
    'requested_entity_secret': 'secret_requested_entity',
}


class Unusable(Exception):
    """A vector that cannot be used: names the file and the field."""

    def __init__(self, path: str, field: str, message: str):
        super().__init__(f'{path}: field `{field}`: {message}')


class Skip(Exception):
    pass


class Fail(Exception):
    pass


_MISSING = object()


def _one_line(text: str, limit: int = 300) -> str:
    text = ' | '.join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + '...'


def _show(value: Any) -> str:
    if value is _MISSING:
        return '<absent>'
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Loading


def load_vectors(paths: list[str]) -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob('*.json')):
                try:
                    data = json.loads(f.read_text(encoding='utf-8'))
                except (OSError, ValueError):
                    continue  # folders: only files that are vectors count
                if isinstance(data, dict) and data.get('format') == FORMAT:
                    found.append((str(f), data))
        elif path.is_file():
            try:
                data = json.loads(path.read_text(encoding='utf-8'))
            except ValueError as e:
                raise Unusable(str(path), '(file)', f'not JSON: {e}') from None
            if not isinstance(data, dict):
                raise Unusable(str(path), '(file)', 'not a JSON object')
            if data.get('format') != FORMAT:
                raise Unusable(str(path), 'format', f'expected {FORMAT!r}, got {data.get("format")!r}')
            found.append((str(path), data))
        else:
            raise Unusable(str(path), '(path)', 'no such file or folder')
    for path, v in found:
        check_vector(path, v)
    return found


def check_vector(path: str, v: dict) -> None:
    def need(obj: dict, key: str, typ, where: str):
        if key not in obj:
            raise Unusable(path, where + key, 'missing')
        if not isinstance(obj[key], typ):
            raise Unusable(path, where + key, f'wrong type {type(obj[key]).__name__}')
        return obj[key]

    need(v, 'name', str, '')
    side = need(v, 'side', str, '')
    if side not in ('requirer', 'provider'):
        raise Unusable(path, 'side', f'must be requirer or provider, got {side!r}')
    need(v, 'leader', bool, '')
    lib = need(v, 'library', dict, '')
    need(lib, 'relation_name', str, 'library.')
    rel = need(v, 'relation', dict, '')
    need(rel, 'remote_app', str, 'relation.')
    for bag in ('local_app_data', 'local_unit_data', 'remote_app_data'):
        if bag in rel:
            _check_bag(path, rel[bag], f'relation.{bag}')
    for unit, bag in (rel.get('remote_units_data') or {}).items():
        _check_bag(path, bag, f'relation.remote_units_data.{unit}')
    steps = need(v, 'steps', list, '')
    if not steps:
        raise Unusable(path, 'steps', 'needs at least one step')
    for i, step in enumerate(steps):
        where = f'steps[{i}].'
        if not isinstance(step, dict):
            raise Unusable(path, f'steps[{i}]', 'not an object')
        hook = need(step, 'hook', str, where)
        if hook not in HOOKS:
            raise Unusable(path, where + 'hook', f'unknown hook {hook!r}')
        expect = need(step, 'expect', dict, where)
        need(expect, 'events', list, where + 'expect.')
        for bag in ('set_remote_app_data',):
            if bag in step:
                _check_bag(path, step[bag], where + bag)


def _check_bag(path: str, bag: Any, field: str) -> None:
    if not isinstance(bag, dict):
        raise Unusable(path, field, 'not an object')
    for k, val in bag.items():
        if not isinstance(val, str):
            raise Unusable(path, f'{field}.{k}', 'databag values must be strings')


# ---------------------------------------------------------------------------------------------
# Comparison (same rules as the vector format)


def _parse_json_container(value: Any):
    if not isinstance(value, str):
        return _MISSING
    try:
        parsed = json.loads(value)
    except ValueError:
        return _MISSING
    return parsed if isinstance(parsed, (dict, list)) else _MISSING


def values_equal(
    expected: Any, actual: Any, key: str | None = None, lenient: bool = False
) -> bool:
    """Format rules. `lenient` (event fields only): a JSON string matches the parsed value."""
    if expected == SECRET_URI_PLACEHOLDER:
        return isinstance(actual, str) and bool(SECRET_URI_RE.match(actual))
    if isinstance(expected, str) and isinstance(actual, str):
        if expected == actual:
            return True
        e, a = _parse_json_container(expected), _parse_json_container(actual)
        if (key in JSON_KEYS or (e is not _MISSING and a is not _MISSING)) and e is not _MISSING:
            return a is not _MISSING and values_equal(e, a)
        if key in JSON_KEYS:
            try:
                return json.loads(expected) == json.loads(actual)
            except ValueError:
                return False
        return False
    if lenient and isinstance(expected, str) and isinstance(actual, (dict, list)):
        e = _parse_json_container(expected)
        return e is not _MISSING and values_equal(e, actual)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            values_equal(expected[k], actual[k], lenient=lenient) for k in expected
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            values_equal(e, a, lenient=lenient) for e, a in zip(expected, actual)
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def bag_diffs(expected: dict, actual: dict) -> list[tuple[str, Any, Any]]:
    out = []
    for key in sorted(set(expected) | set(actual)):
        e = expected.get(key, _MISSING)
        a = actual.get(key, _MISSING)
        if e is _MISSING or a is _MISSING:
            out.append((key, e, a))
        elif not values_equal(e, a, key):
            out.append((key, e, a))
    return out


def describe_diff(where: str, expected: Any, actual: Any) -> list[str]:
    """One line per difference; inside JSON objects, one line per inner key."""
    e = _parse_json_container(expected)
    a = _parse_json_container(actual)
    if isinstance(e, dict) and isinstance(a, dict):
        out = []
        for key in sorted(set(e) | set(a)):
            ev, av = e.get(key, _MISSING), a.get(key, _MISSING)
            if ev is _MISSING or av is _MISSING or not values_equal(ev, av, key):
                out.append(f'{where} (JSON) inner key {key!r}: expected {_show(ev)}, actual {_show(av)}')
        if out:
            return out
    return [f'{where}: expected {_show(expected)}, actual {_show(actual)}']


# ---------------------------------------------------------------------------------------------
# Reference imports


def import_reference():
    warnings.filterwarnings('ignore')
    logging.disable(logging.CRITICAL)
    try:
        import ops  # noqa: F401
        from ops import testing  # noqa: F401
        from dpcharmlibs import interfaces  # noqa: F401
    except ImportError as e:
        print(
            f'error: the reference libraries are not installed ({e}); install '
            'Tests/Reference/requirements.txt into a venv first',
            file=sys.stderr,
        )
        sys.exit(2)


def v0_requirer_library():
    """The v0 requirer, if some installed package provides it (none on a registry today)."""
    try:
        from charms.data_platform_libs.v0 import data_interfaces  # type: ignore
    except ImportError:
        return None
    return data_interfaces


_SECRETS_ENABLED = True


def install_juju_secret_gate():
    """Make Scenario behave like Juju < 3.0.3 when the vector says so: no secret hook tools.

    Scenario itself lets a charm add secrets whatever `juju_version` says; real Juju 2.9 has no
    `secret-add` (etc.) hook tools, so a charm calling them fails. We reproduce that.
    """
    import ops
    from scenario import mocking

    def gate(name):
        original = getattr(mocking._MockModelBackend, name)

        def wrapper(self, *args, **kwargs):
            if not _SECRETS_ENABLED:
                raise ops.ModelError(
                    f'ERROR {name.replace("_", "-")}: command not found '
                    '(this Juju version has no secrets)'
                )
            return original(self, *args, **kwargs)

        setattr(mocking._MockModelBackend, name, wrapper)

    for name in (
        'secret_add',
        'secret_get',
        'secret_info_get',
        'secret_set',
        'secret_grant',
        'secret_revoke',
        'secret_remove',
    ):
        gate(name)


# ---------------------------------------------------------------------------------------------
# Provider: dpcharmlibs v1 ResourceProviderEventHandler


class _Args(dict):
    call = ''

    def __missing__(self, key):
        raise Fail(f'charm call {self.call!r}: missing argument {key!r}')


def _args(call: dict, names: list[str]) -> dict:
    args = call.get('args', {})
    if isinstance(args, list):
        args = dict(zip(names, args))
    if not isinstance(args, dict):
        raise Fail(f'call {call.get("call")!r}: args must be an object or a list')
    out = _Args(args)
    out.call = str(call.get('call'))
    return out


def _response_fields(call: dict) -> dict | None:
    """v0 setter -> fields of the v1 ResourceProviderModel, or None if not a response setter."""
    name = call.get('call')
    if name == 'set_credentials':
        a = _args(call, ['username', 'password'])
        return {'username': a['username'], 'password': a['password']}
    if name == 'set_endpoints':
        return {'endpoints': _args(call, ['endpoints'])['endpoints']}
    if name == 'set_read_only_endpoints':
        return {'read_only_endpoints': _args(call, ['endpoints'])['endpoints']}
    if name == 'set_uris':
        return {'uris': _args(call, ['uris'])['uris']}
    if name == 'set_read_only_uris':
        return {'read_only_uris': _args(call, ['uris'])['uris']}
    if name == 'set_version':
        return {'version': _args(call, ['version'])['version']}
    if name == 'set_tls':
        return {'tls': _args(call, ['tls'])['tls']}
    if name == 'set_tls_ca':
        return {'tls_ca': _args(call, ['tls_ca'])['tls_ca']}
    if name == 'set_database':
        return {'resource': _args(call, ['database_name'])['database_name']}
    if name == 'set_prefix_databases':
        dbs = _args(call, ['databases'])['databases']
        return {'prefix_resources': ','.join(sorted(dbs)) if isinstance(dbs, list) else dbs}
    if name == 'set_entity_credentials':
        a = _args(call, ['entity_name', 'entity_password'])
        fields = {'entity_name': a['entity_name']}
        if a.get('entity_password') is not None:
            fields['entity_password'] = a['entity_password']
        return fields
    return None


STATUS_CALLS = {'raise_status', 'resolve_status', 'clear_statuses'}
RESPONSE_CALLS = {
    'set_credentials',
    'set_endpoints',
    'set_read_only_endpoints',
    'set_uris',
    'set_read_only_uris',
    'set_version',
    'set_tls',
    'set_tls_ca',
    'set_database',
    'set_prefix_databases',
    'set_entity_credentials',
}
NO_V1_API = {
    'set_subordinated': 'reference lacks set_subordinated: the dpcharmlibs v1 provider has no API '
    'to write `subordinated` (v0 DatabaseProvides.set_subordinated)',
}


def _normalise_on(on: str, endpoint: str) -> str:
    on = on.replace('-', '_')
    if on.startswith(endpoint + '_relation_'):
        on = on[len(endpoint) + 1 :]
    return on


def _charm_entries(step: dict) -> list[dict]:
    charm = step.get('charm')
    if charm is None:
        return []
    if isinstance(charm, dict):
        return [charm]
    if isinstance(charm, list):
        return charm
    raise Fail('`charm` must be an object or a list')


class ProviderRun:
    """Plays one provider vector on dpcharmlibs' ResourceProviderEventHandler."""

    def __init__(self, v: dict, all_diffs: bool, mapping: str = 'read-modify-write'):
        self.v = v
        self.all_diffs = all_diffs
        self.mapping = mapping
        rel = v['relation']
        self.endpoint = rel.get('endpoint', v['library']['relation_name'])
        self.relation_name = v['library']['relation_name']
        self.rel_id = rel.get('id', 1)
        self.interface = rel.get('interface', 'postgresql_client')
        self.remote_app = rel['remote_app']
        self.local_app = v.get('local_app', 'app')
        self.local_unit = v.get('local_unit', f'{self.local_app}/0')
        self.juju_version = v.get('juju_version', '3.6.4')
        # --mapping fresh: what the charm itself remembers between hooks (every field it has
        # answered so far), committed only when the hook succeeds.
        self.memory: dict[str, Any] = {'fields': {}, 'salt': None}
        self.step_plan: list[dict] = []
        self.step_memory: dict[str, Any] = {}

    # -- the charm ------------------------------------------------------------------------

    def charm_class(self):
        import ops
        from dpcharmlibs.interfaces import RequirerCommonModel, ResourceProviderEventHandler

        run = self

        class ReferenceProviderCharm(ops.CharmBase):
            def __init__(self, framework):
                super().__init__(framework)
                self.provider = ResourceProviderEventHandler(
                    self, run.relation_name, RequirerCommonModel
                )
                for kind in PROVIDER_EVENTS:
                    framework.observe(getattr(self.provider.on, kind), self._on_library_event)
                rel_events = self.on[run.relation_name]
                for hook in (
                    'relation_created',
                    'relation_joined',
                    'relation_changed',
                    'relation_departed',
                    'relation_broken',
                ):
                    framework.observe(getattr(rel_events, hook), self._on_hook)
                framework.observe(self.on.leader_elected, self._on_hook)
                framework.observe(self.on.secret_changed, self._on_hook)

            def _on_library_event(self, event):
                run.play_calls(self, PROVIDER_EVENTS[event.handle.kind], event)

            def _on_hook(self, event):
                run.play_calls(self, _normalise_on(event.handle.kind, run.relation_name), event)

        return ReferenceProviderCharm

    def play_calls(self, charm, on: str, event) -> None:
        for entry in self.step_plan:
            if _normalise_on(str(entry.get('on', '')), self.relation_name) != on:
                continue
            for call in entry.get('calls', []):
                self.play_call(charm, call, event)

    def play_call(self, charm, call: dict, event) -> None:
        from dpcharmlibs.interfaces import ResourceProviderModel

        name = call.get('call')
        mem = self.step_memory
        if name in RESPONSE_CALLS:
            fields = _response_fields(call)
            if self.mapping == 'fresh':
                # The charm rebuilds its whole response from what it remembers.
                merged = dict(mem['fields'])
                merged.update(fields)
                salt = mem['salt'] or getattr(getattr(event, 'request', None), 'salt', None)
                response = ResourceProviderModel(**merged, **({'salt': salt} if salt else {}))
                mem['salt'] = response.salt
                mem['fields'] = merged
            elif charm.unit.is_leader():
                # Read-modify-write: the response currently in our bag (with its secrets),
                # updated with the fields of this call (validated by the v1 model).
                relation = charm.model.get_relation(self.relation_name, self.rel_id)
                response = charm.provider.responses(relation, ResourceProviderModel)[0]
                response.update(ResourceProviderModel(**fields))
            else:
                response = ResourceProviderModel(**fields)  # set_response ignores non-leaders
            charm.provider.set_response(self.rel_id, response)
        elif name == 'raise_status':
            status = _args(call, ['status'])['status']
            charm.provider.raise_status(self.rel_id, dict(status))
        elif name == 'resolve_status':
            charm.provider.resolve_status(self.rel_id, int(_args(call, ['status_code'])['status_code']))
        elif name == 'clear_statuses':
            charm.provider.clear_statuses(self.rel_id)
        else:  # screened by skip_reason; kept as a guard
            raise Fail(f'no mapping for charm call {name!r}')

    # -- running --------------------------------------------------------------------------

    def unit_id(self, name: str) -> int:
        app, _, num = name.rpartition('/')
        if app != self.remote_app or not num.isdigit():
            raise Fail(f'remote unit {name!r} is not a unit of {self.remote_app!r}')
        return int(num)

    def run(self) -> list[str]:
        """Plays every step; returns [] on success or the list of differences."""
        global _SECRETS_ENABLED
        import ops
        from ops import testing
        from scenario.errors import UncaughtCharmError

        v = self.v
        rel = v['relation']
        bags = {
            'local_app_data': dict(rel.get('local_app_data', {})),
            'local_unit_data': dict(rel.get('local_unit_data', {})),
            'remote_app_data': dict(rel.get('remote_app_data', {})),
        }
        remote_units = {
            self.unit_id(n): dict(b) for n, b in (rel.get('remote_units_data') or {}).items()
        }
        secrets = [self.make_secret(s) for s in v.get('secrets', [])]
        leader = v['leader']
        _SECRETS_ENABLED = ops.JujuVersion(self.juju_version).has_secrets
        meta = {
            'name': self.local_app,
            'provides': {self.endpoint: {'interface': self.interface}},
        }
        charm_cls = self.charm_class()
        unit_num = int(self.local_unit.rpartition('/')[2])
        diffs: list[str] = []

        for i, step in enumerate(v['steps'], 1):
            hook = step['hook']
            where = f'step {i} ({hook})'
            if 'set_remote_app_data' in step:
                bags['remote_app_data'] = dict(step['set_remote_app_data'])
            if 'set_remote_units_data' in step:
                remote_units = {
                    self.unit_id(n): dict(b) for n, b in step['set_remote_units_data'].items()
                }
            if 'set_secrets' in step:
                secrets = self.apply_set_secrets(secrets, step['set_secrets'])
            if 'leader' in step:
                leader = bool(step['leader'])

            relation = testing.Relation(
                self.endpoint,
                self.interface,
                id=self.rel_id,
                remote_app_name=self.remote_app,
                local_app_data=bags['local_app_data'],
                local_unit_data=bags['local_unit_data'],
                remote_app_data=bags['remote_app_data'],
                remote_units_data=remote_units,
            )
            state = testing.State(leader=leader, relations=[relation], secrets=secrets)
            ctx = testing.Context(
                charm_cls,
                meta=meta,
                juju_version=self.juju_version,
                app_name=self.local_app,
                unit_id=unit_num,
            )
            event = self.make_event(ctx, step, relation, state)
            self.step_plan = _charm_entries(step)
            self.step_memory = {'fields': dict(self.memory['fields']), 'salt': self.memory['salt']}

            out = None
            error: BaseException | None = None
            try:
                out = ctx.run(event, state)
            except UncaughtCharmError as e:
                error = e.__cause__ or e
                if isinstance(error, Fail):  # the vector's charm calls, not the library
                    raise Fail(f'{where}: {error}') from None
            expect = step['expect']

            # events
            actual_events = [
                e
                for e in ctx.emitted_events
                if getattr(e, 'handle', None) is not None and e.handle.kind in PROVIDER_EVENTS
            ]
            diffs += self.compare_events(where, expect['events'], actual_events)
            if diffs and not self.all_diffs:
                return diffs

            if error is not None:
                if 'error' not in expect:
                    diffs.append(
                        f'{where}: the reference hook failed: {type(error).__name__}: '
                        + _one_line(str(error))
                    )
                    return diffs  # state is unknown past a failed hook
                # expected: the hook failed; Juju rolls back, the state carries over unchanged
                continue
            if 'error' in expect:
                diffs.append(
                    f'{where}: expected hook error {expect["error"]}, the reference hook succeeded'
                )
                if not self.all_diffs:
                    return diffs

            assert out is not None
            self.memory = self.step_memory
            out_rel = out.get_relation(self.rel_id)
            bags['local_app_data'] = dict(out_rel.local_app_data)
            bags['local_unit_data'] = dict(out_rel.local_unit_data)
            secrets = list(out.secrets)

            for bag in ('local_app_data', 'local_unit_data'):
                if bag in expect:
                    for key, e, a in bag_diffs(expect[bag], bags[bag]):
                        for d in describe_diff(f'{where}: {bag} key {key!r}', e, a):
                            diffs.append(d)
                            if not self.all_diffs:
                                return diffs
            for sx in expect.get('secrets', []):
                d = self.compare_secret(where, sx, bags['local_app_data'], secrets)
                if d:
                    diffs.append(d)
                    if not self.all_diffs:
                        return diffs
        return diffs

    def make_secret(self, s: dict):
        from ops import testing

        owner = 'app' if s.get('owner', 'remote') == 'local' else None
        secret = testing.Secret(
            dict(s['contents']), id=s.get('id'), owner=owner, label=s.get('label')
        )
        rev = int(s.get('revision', 1))
        object.__setattr__(secret, '_tracked_revision', rev)
        object.__setattr__(secret, '_latest_revision', rev)
        if owner == 'app':
            object.__setattr__(secret, 'remote_grants', {self.rel_id: frozenset({self.remote_app})})
        return secret

    def apply_set_secrets(self, secrets: list, changes: list) -> list:
        from ops import testing

        by_id = {s.id: s for s in secrets}
        for c in changes:
            old = by_id.get(c.get('id'))
            if old is not None and old.owner is None:
                # Juju changed a secret someone else owns: we still track the old revision.
                new = testing.Secret(
                    dict(old.tracked_content),
                    latest_content=dict(c['contents']),
                    id=old.id,
                    owner=None,
                    label=c.get('label', old.label),
                )
                object.__setattr__(new, '_tracked_revision', old._tracked_revision)
                object.__setattr__(
                    new, '_latest_revision', int(c.get('revision', old._latest_revision + 1))
                )
                by_id[old.id] = new
            else:
                new = self.make_secret(c)
                by_id[new.id] = new
        return list(by_id.values())

    def make_event(self, ctx, step: dict, relation, state):
        hook = step['hook']
        unit = step.get('remote_unit')
        uid = self.unit_id(unit) if unit else None
        if hook == 'relation-created':
            return ctx.on.relation_created(relation)
        if hook == 'relation-joined':
            return ctx.on.relation_joined(relation, remote_unit=uid)
        if hook == 'relation-changed':
            return ctx.on.relation_changed(relation, remote_unit=uid)
        if hook == 'relation-departed':
            return ctx.on.relation_departed(relation, remote_unit=uid, departing_unit=uid)
        if hook == 'relation-broken':
            return ctx.on.relation_broken(relation)
        if hook == 'leader-elected':
            return ctx.on.leader_elected()
        if hook == 'secret-changed':
            sid = step.get('secret_id')
            for s in state.secrets:
                if s.id == sid:
                    return ctx.on.secret_changed(s)
            raise Fail(f'secret-changed: secret {sid!r} is not in the state')
        raise Fail(f'unknown hook {hook!r}')

    def compare_events(self, where: str, expected: list, actual: list) -> list[str]:
        out: list[str] = []
        exp_names = [e.get('name') for e in expected]
        act_names = [PROVIDER_EVENTS[e.handle.kind] for e in actual]
        if exp_names != act_names:
            return [f'{where}: events: expected {exp_names}, actual {act_names}']
        for exp, ev in zip(expected, actual):
            for field, want in (exp.get('fields') or {}).items():
                if field == 'violations':
                    continue  # our extension; non-empty lists are skipped up front
                got = self.provider_field(ev, field)
                if not values_equal(want, got, lenient=True):
                    out.append(
                        f'{where}: event {exp["name"]} field {field!r}: expected {_show(want)}, '
                        f'actual {_show(got)}'
                    )
                    if not self.all_diffs:
                        return out
        return out

    @staticmethod
    def provider_field(ev, field: str) -> Any:
        request = getattr(ev, 'request', None)
        if request is None:
            return _MISSING
        attr = PROVIDER_FIELDS.get(field, field)
        value = getattr(request, attr, _MISSING)
        if value is _MISSING:
            extra = request.model_extra or {}
            value = extra.get(field.replace('_', '-'), _MISSING)
        if hasattr(value, 'model_dump'):
            value = value.model_dump(mode='json')
        elif isinstance(value, list):
            value = [x.model_dump(mode='json') if hasattr(x, 'model_dump') else x for x in value]
        if field == 'database' and value == '':
            value = None
        return value

    @staticmethod
    def compare_secret(where: str, sx: dict, app_bag: dict, secrets: list) -> str | None:
        field = sx.get('field')
        uri = app_bag.get(field)
        if uri is None:
            return f'{where}: secret in {field!r}: the local app bag has no {field!r}'
        def short(x: str) -> str:
            return x.rsplit('/', 1)[-1].rsplit(':', 1)[-1]

        for s in secrets:
            if short(s.id) == short(uri):
                content = s.latest_content
                for key, e, a in bag_diffs(sx.get('contents', {}), content):
                    return (
                        f'{where}: secret in {field!r} key {key!r}: expected {_show(e)}, '
                        f'actual {_show(a)}'
                    )
                return None
        return f'{where}: secret in {field!r}: {uri} is not a secret of the model'


# ---------------------------------------------------------------------------------------------
# Classification


def skip_reason(v: dict) -> str | None:
    if v['side'] == 'requirer':
        if v0_requirer_library() is None:
            return REQUIRER_UNAVAILABLE
        return (
            'reference not wired: a v0 requirer library is importable but this runner only drives '
            'the provider side'
        )
    if v['relation']['remote_app'] == v.get('local_app', 'app'):
        return (
            'cannot be simulated: remote_app equals local_app (Juju application names are unique; '
            'ops cannot tell the two bags apart)'
        )
    spec = v.get('spec') or []
    for sid in spec:
        if sid in DELIBERATE_SPEC_IDS:
            return DELIBERATE_SPEC_IDS[sid]
    notes = v.get('notes') or v.get('note') or ''
    if isinstance(notes, list):
        notes = ' '.join(str(n) for n in notes)
    if v.get('difference') or (isinstance(notes, str) and DIFFERENCE_NOTE_RE.search(notes)):
        return f'deliberate difference (notes): {str(notes).strip()[:160]}'
    endpoint = v['library']['relation_name']
    for i, step in enumerate(v['steps'], 1):
        expect = step.get('expect', {})
        if expect.get('error') in LACKING_ERRORS:
            return LACKING_ERRORS[expect['error']]
        for ev in expect.get('events', []):
            viol = (ev.get('fields') or {}).get('violations')
            if viol:
                return (
                    'deliberate difference: `violations` on provider events is our extension '
                    f'(step {i} expects {viol})'
                )
            if ev.get('name') not in PROVIDER_EVENT_NAMES_V0:
                return f'reference lacks provider event {ev.get("name")!r}'
        try:
            entries = _charm_entries(step)
        except Fail as e:
            return f'unusable charm calls: {e}'
        for entry in entries:
            on = _normalise_on(str(entry.get('on', '')), endpoint)
            known_hooks = {h.replace('-', '_') for h in HOOKS}
            if on not in PROVIDER_EVENT_NAMES_V0 and on not in known_hooks:
                return f'reference lacks an event to hang charm calls on: {entry.get("on")!r}'
            for call in entry.get('calls', []):
                name = call.get('call')
                if name in NO_V1_API:
                    return NO_V1_API[name]
                if name not in RESPONSE_CALLS and name not in STATUS_CALLS:
                    return f'reference lacks charm call {name!r} (no dpcharmlibs v1 mapping)'
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('paths', nargs='+', metavar='PATH')
    ap.add_argument(
        '--all-diffs', action='store_true', help='list every difference, not only the first'
    )
    ap.add_argument(
        '--mapping',
        choices=['read-modify-write', 'fresh'],
        default='read-modify-write',
        help='how a v0 setter becomes a v1 set_response: read the current response back and '
        'update it (default), or send a fresh model holding every field set so far',
    )
    ap.add_argument('--verbose', action='store_true', help='print tracebacks of runner errors')
    ap.add_argument(
        '--known-differences',
        metavar='FILE',
        help='vectors the reference is known to fail, one "path  # reason" per line: they are '
        'reported as XFAIL; a listed vector that passes (XPASS) or an unlisted failure fails the run',
    )
    args = ap.parse_args(argv)
    known: dict[str, str] = {}
    if args.known_differences:
        for line in open(args.known_differences, encoding='utf-8'):
            entry, _, reason = line.partition('#')
            if entry.strip():
                known[os.path.normpath(entry.strip())] = reason.strip()

    try:
        vectors = load_vectors(args.paths)
    except Unusable as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    import_reference()
    install_juju_secret_gate()

    passed = failed = skipped = xfailed = 0
    started = time.monotonic()
    for path, v in vectors:
        label = f'{v["name"]} [{os.path.relpath(path)}]'
        t0 = time.monotonic()
        reason = skip_reason(v)
        if reason:
            skipped += 1
            print(f'SKIP {label}: {reason}')
            continue
        try:
            diffs = ProviderRun(v, args.all_diffs, args.mapping).run()
        except Fail as e:
            diffs = [str(e)]
        except Exception as e:  # the runner or Scenario refused something
            if args.verbose:
                import traceback

                traceback.print_exc()
            diffs = [f'runner error: {type(e).__name__}: {e}']
        ms = (time.monotonic() - t0) * 1000
        listed = known.get(os.path.normpath(os.path.relpath(path)))
        if listed is not None:
            if diffs:
                xfailed += 1
                print(f'XFAIL {label}: {listed}: {diffs[0]}')
            else:
                failed += 1
                print(f'XPASS {label}: listed as a known difference ({listed}) but passed: update the list')
            continue
        if diffs:
            failed += 1
            print(f'FAIL {label}: {diffs[0]}')
            for d in diffs[1:]:
                print(f'     {d}')
        else:
            passed += 1
            print(f'PASS {label} ({ms:.0f} ms)')
    total = time.monotonic() - started
    print(f'# {len(vectors)} vectors in {total:.2f} s')
    if known:
        print(f'# {xfailed} known differences of the reference (XFAIL), listed in {args.known_differences}')
    print(f'{passed} passed, {failed} failed, {skipped} skipped', flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
