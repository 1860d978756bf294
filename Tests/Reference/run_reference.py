#!/usr/bin/env python3
"""Run `pgclient-vector/0` conformance vectors on Canonical's Python libraries.

Usage: run_reference.py [--side S] [--provider-lib L] [--known-differences FILE] PATH...

Every vector (files, or folders searched recursively for `*.json` whose `format` is
`pgclient-vector/0`) is played step by step under ops' testing framework (Scenario), once per
pass that covers its side: a minimal charm is built at run time around the reference library,
each step is one Scenario event, and the library events it emits and the databags it leaves are
compared with the vector's `expect`, with the same rules as `pgclient conformance`.

Passes (`--side` and `--provider-lib` choose among them; by default all three run):
- v1-provider: provider vectors on `dpcharmlibs.interfaces.ResourceProviderEventHandler` (PyPI
  `dpcharmlibs-interfaces`, data_interfaces v1), which serves v0 requirers. The vector's charm
  calls (v0 method names) are mapped onto its v1 API (see _response_fields below).
- v0-requirer: requirer vectors on data_interfaces v0's `DatabaseRequires`.
- v0-provider: provider vectors on data_interfaces v0's `DatabaseProvides`; the charm calls are
  v0's own methods.
data_interfaces v0 is imported from the copy PyPI's `postgresql-charms-single-kernel` ships
(`single_kernel_postgresql/lib/charms/data_platform_libs/v0/data_interfaces.py`), or from the
folder given with `--v0-lib`.

Prints one line per vector and pass (PASS / FAIL with the first difference / XFAIL / XPASS /
SKIP with the reason), one summary line per pass, and closes with
`N passed, M failed, K skipped, X xfail`. Exit 0 when nothing failed, 1 when something failed,
2 when an input is unusable (the message names the file and the field).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import logging
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

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

# The passes, in the order they run: name -> side.
PASSES = {
    'v1-provider': 'provider',
    'v0-requirer': 'requirer',
    'v0-provider': 'provider',
}

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

# data_interfaces v0: the events of DatabaseProvides and DatabaseRequires (aliased twins of the
# requirer's database events are `<alias>_<name>`).
V0_PROVIDER_EVENTS = (
    'database_requested',
    'database_entity_requested',
    'database_entity_permissions_changed',
)
V0_REQUIRER_DATABASE_EVENTS = (
    'database_created',
    'database_entity_created',
    'endpoints_changed',
    'read_only_endpoints_changed',
    'prefix_databases_changed',
)
V0_REQUIRER_STATUS_EVENTS = ('status_raised', 'status_resolved')

# Vector `library` options of the requirer -> DatabaseRequires keyword arguments (same names).
V0_REQUIRER_OPTIONS = (
    'database_name',
    'extra_user_roles',
    'relations_aliases',
    'additional_secret_fields',
    'external_node_connectivity',
    'extra_group_roles',
    'entity_type',
    'entity_permissions',
    'requested_entity_secret',
    'prefix_matching',
)

# v0 DatabaseProvides setters: vector call -> parameters after relation_id, each with the
# names the vector format accepts for it (the first is v0's own parameter name).
V0_PROVIDER_CALLS: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {
    # (v0 parameter, accepted vector names, required)
    'set_credentials': [('username', ('username',), True), ('password', ('password',), True)],
    'set_endpoints': [('connection_strings', ('endpoints', 'connection_strings'), True)],
    'set_read_only_endpoints': [
        ('connection_strings', ('endpoints', 'connection_strings', 'read_only_endpoints'), True)
    ],
    'set_uris': [('uris', ('uris',), True)],
    'set_read_only_uris': [('uris', ('uris', 'read_only_uris'), True)],
    'set_version': [('version', ('version',), True)],
    'set_tls': [('tls', ('tls',), True)],
    'set_tls_ca': [('tls_ca', ('tls_ca',), True)],
    'set_database': [('database_name', ('database_name', 'database'), True)],
    'set_prefix_databases': [('databases', ('databases',), True)],
    'set_subordinated': [],
    'set_entity_credentials': [
        ('entity_name', ('entity_name',), True),
        ('entity_password', ('entity_password',), False),
    ],
    'raise_status': [('status', ('status',), True)],
    'resolve_status': [('status_code', ('status_code', 'code'), True)],
    'clear_statuses': [],
}


class Unusable(Exception):
    """A vector that cannot be used: names the file and the field."""

    def __init__(self, path: str, field: str, message: str):
        super().__init__(f'{path}: field `{field}`: {message}')


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


def import_reference(need_v1: bool) -> None:
    warnings.filterwarnings('ignore')
    logging.disable(logging.CRITICAL)
    try:
        import ops  # noqa: F401
        from ops import testing  # noqa: F401

        if need_v1:
            from dpcharmlibs import interfaces  # noqa: F401
    except ImportError as e:
        print(
            f'error: the reference libraries are not installed ({e}); install '
            'Tests/Reference/requirements.txt into a venv first',
            file=sys.stderr,
        )
        sys.exit(2)


def default_v0_lib() -> str | None:
    """The folder holding `charms/data_platform_libs/v0/data_interfaces.py` in PyPI's
    postgresql-charms-single-kernel (located without importing the package itself)."""
    spec = importlib.util.find_spec('single_kernel_postgresql')
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]) / 'lib')


def import_v0(lib_dir: str | None):
    """data_interfaces v0, imported from `lib_dir` (which holds `charms/`)."""
    if lib_dir is None:
        print(
            'error: data_interfaces v0 not found: install Tests/Reference/requirements.txt '
            '(postgresql-charms-single-kernel ships it) or pass --v0-lib',
            file=sys.stderr,
        )
        sys.exit(2)
    source = Path(lib_dir) / 'charms' / 'data_platform_libs' / 'v0' / 'data_interfaces.py'
    if not source.is_file():
        print(f'error: --v0-lib: {source} does not exist', file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, str(Path(lib_dir)))
    from charms.data_platform_libs.v0 import data_interfaces  # type: ignore

    if Path(data_interfaces.__file__).resolve() != source.resolve():
        print(
            f'error: charms.data_platform_libs.v0.data_interfaces was imported from '
            f'{data_interfaces.__file__}, not from {source}',
            file=sys.stderr,
        )
        sys.exit(2)
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
# Charm calls


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



def v0_call_kwargs(call: dict) -> dict:
    """A vector call -> keyword arguments of the v0 DatabaseProvides method (without relation_id)."""
    name = call.get('call')
    params = V0_PROVIDER_CALLS.get(name)
    if params is None:
        raise Fail(f'no v0 DatabaseProvides method for charm call {name!r}')
    args = call.get('args', {})
    if isinstance(args, list):
        args = {p[1][0]: a for p, a in zip(params, args)}
    if not isinstance(args, dict):
        raise Fail(f'call {name!r}: args must be an object or a list')
    kwargs = {}
    for param, names, required in params:
        given = [n for n in names if n in args]
        if not given:
            if required:
                raise Fail(f'charm call {name!r}: missing argument {names[0]!r}')
            continue
        value = args[given[0]]
        if name == 'set_tls' and isinstance(value, bool):
            value = 'True' if value else 'False'
        if name == 'raise_status' and isinstance(value, dict):
            value = dict(value)
        if name == 'resolve_status':
            value = int(value)
        kwargs[param] = value
    return kwargs


class Recorded:
    """A library event as the charm saw it: its name and the fields read in its handler."""

    def __init__(self, name: str, fields: dict[str, Any]):
        self.name = name
        self.fields = fields

    def field(self, field: str) -> Any:
        return self.fields.get(field, None)


class VectorRun:
    """Plays one vector under Scenario; subclasses build the charm around one reference."""

    side = 'provider'

    def __init__(self, v: dict, all_diffs: bool):
        self.v = v
        self.all_diffs = all_diffs
        rel = v['relation']
        self.endpoint = rel.get('endpoint', v['library']['relation_name'])
        self.relation_name = v['library']['relation_name']
        self.rel_id = rel.get('id', 1)
        self.interface = rel.get('interface', 'postgresql_client')
        self.remote_app = rel['remote_app']
        self.local_app = v.get('local_app', 'app')
        self.local_unit = v.get('local_unit', f'{self.local_app}/0')
        self.juju_version = v.get('juju_version', '3.6.4')
        self.step_plan: list[dict] = []
        self.step_expect: list[dict] = []
        self.recorded: list[Recorded] = []
        # Expected hook failures: (step, rule id the vector names, what the reference raised).
        self.expected_failures: list[tuple[int, str, str]] = []

    # -- what subclasses provide ----------------------------------------------------------

    def meta(self) -> dict:
        return {
            'name': self.local_app,
            'provides': {self.endpoint: {'interface': self.interface}},
        }

    def charm_class(self):
        raise NotImplementedError

    def actual_events(self, ctx) -> list[tuple[str, Callable[[str], Any]]]:
        """The library events of the hook: (v0 name, field reader)."""
        return [(r.name, r.field) for r in self.recorded]

    def begin_step(self) -> None:
        pass

    def commit_step(self) -> None:
        pass

    # -- shared helpers for the charms ----------------------------------------------------

    def record(self, name: str, event, read: Callable[[Any, str], Any]) -> None:
        """Records a library event, reading in its handler the fields the vector lists for it
        (the way a charm reads `event.username`, ...)."""
        index = len(self.recorded)
        fields: dict[str, Any] = {}
        if index < len(self.step_expect) and self.step_expect[index].get('name') == name:
            for field in (self.step_expect[index].get('fields') or {}):
                if field == 'violations':
                    continue  # our extension, not compared
                fields[field] = read(event, field)
        self.recorded.append(Recorded(name, fields))

    def play_calls(self, charm, on: str, event) -> None:
        for entry in self.step_plan:
            if _normalise_on(str(entry.get('on', '')), self.relation_name) != on:
                continue
            for call in entry.get('calls', []):
                self.play_call(charm, call, event)

    def play_call(self, charm, call: dict, event) -> None:
        raise Fail(f'no mapping for charm call {call.get("call")!r}')

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
        meta = self.meta()
        charm_cls = self.charm_class()
        unit_num = int(self.local_unit.rpartition('/')[2])
        diffs: list[str] = []

        for i, step in enumerate(v['steps'], 1):
            hook = step['hook']
            where = f'step {i} ({hook})'
            if 'leader' in step:
                leader = bool(step['leader'])
            if 'set_remote_app_data' in step:
                bags['remote_app_data'] = dict(step['set_remote_app_data'])
            if 'set_remote_units_data' in step:
                for n, b in step['set_remote_units_data'].items():
                    remote_units[self.unit_id(n)] = dict(b)
            if 'set_secrets' in step:
                secrets = self.apply_set_secrets(secrets, step['set_secrets'])
            if hook == 'relation-departed' and step.get('remote_unit'):
                # The departing unit leaves the relation, with its bag (Juju no longer lists it).
                remote_units.pop(self.unit_id(step['remote_unit']), None)
            # Juju never stores an empty value.
            for bag in bags.values():
                for k in [k for k, val in bag.items() if val == '']:
                    del bag[k]
            for bag in remote_units.values():
                for k in [k for k, val in bag.items() if val == '']:
                    del bag[k]

            relation = testing.Relation(
                self.endpoint,
                self.interface,
                id=self.rel_id,
                remote_app_name=self.remote_app,
                local_app_data=bags['local_app_data'],
                local_unit_data=bags['local_unit_data'],
                remote_app_data=bags['remote_app_data'],
                remote_units_data=dict(sorted(remote_units.items())),
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
            self.step_plan = _charm_entries(step) if self.side == 'provider' else []
            self.step_expect = list(step['expect'].get('events', []))
            self.recorded = []
            self.begin_step()

            out = None
            error: BaseException | None = None
            try:
                out = ctx.run(event, state)
            except UncaughtCharmError as e:
                error = e.__cause__ or e
                if isinstance(error, Fail):  # the vector's charm calls, not the library
                    raise Fail(f'{where}: {error}') from None
            expect = step['expect']

            if error is not None and 'error' not in expect:
                diffs.append(
                    f'{where}: the reference hook failed: {type(error).__name__}: '
                    + _one_line(str(error))
                )
                if self.all_diffs:
                    diffs += self.compare_events(where, expect['events'], self.actual_events(ctx))
                return diffs  # state is unknown past a failed hook

            diffs += self.compare_events(where, expect['events'], self.actual_events(ctx))
            if diffs and not self.all_diffs:
                return diffs

            if error is not None:
                # expected: the hook failed; Juju rolls back, the state carries over unchanged
                self.expected_failures.append((i, str(expect['error']), type(error).__name__))
                continue
            if 'error' in expect:
                diffs.append(
                    f'{where}: expected hook error {expect["error"]}, the reference hook succeeded'
                )
                if not self.all_diffs:
                    return diffs

            assert out is not None
            self.commit_step()
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
                if dict(c['contents']) == dict(old.latest_content):
                    continue  # same content: no new revision
                # Juju changed a secret someone else owns: we still track the old revision.
                new = testing.Secret(
                    dict(old.tracked_content),
                    latest_content=dict(c['contents']),
                    id=old.id,
                    owner=None,
                    label=c.get('label', old.label),
                )
                object.__setattr__(new, '_tracked_revision', old._tracked_revision)
                object.__setattr__(new, '_latest_revision', old._latest_revision + 1)
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

    def compare_events(
        self, where: str, expected: list, actual: list[tuple[str, Callable[[str], Any]]]
    ) -> list[str]:
        out: list[str] = []
        exp_names = [e.get('name') for e in expected]
        act_names = [name for name, _ in actual]
        if exp_names != act_names:
            return [f'{where}: events: expected {exp_names}, actual {act_names}']
        for exp, (_, read) in zip(expected, actual):
            for field, want in (exp.get('fields') or {}).items():
                if field == 'violations':
                    continue  # our extension: the Python events have no such field
                got = read(field)
                if got is _MISSING:
                    got = None  # a field the event does not have counts as null
                if not values_equal(want, got, lenient=True):
                    out.append(
                        f'{where}: event {exp["name"]} field {field!r}: expected {_show(want)}, '
                        f'actual {_show(got)}'
                    )
                    if not self.all_diffs:
                        return out
        return out

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


def _hook_observers(charm, framework, relation_name: str, handler) -> None:
    rel_events = charm.on[relation_name]
    for hook in (
        'relation_created',
        'relation_joined',
        'relation_changed',
        'relation_departed',
        'relation_broken',
    ):
        framework.observe(getattr(rel_events, hook), handler)
    framework.observe(charm.on.leader_elected, handler)
    framework.observe(charm.on.secret_changed, handler)


# ---------------------------------------------------------------------------------------------
# Provider on dpcharmlibs v1 ResourceProviderEventHandler


class V1ProviderRun(VectorRun):
    """Plays one provider vector on dpcharmlibs' ResourceProviderEventHandler."""

    def __init__(self, v: dict, all_diffs: bool, mapping: str = 'read-modify-write'):
        super().__init__(v, all_diffs)
        self.mapping = mapping
        # --mapping fresh: what the charm itself remembers between hooks (every field it has
        # answered so far), committed only when the hook succeeds.
        self.memory: dict[str, Any] = {'fields': {}, 'salt': None}
        self.step_memory: dict[str, Any] = {}

    def begin_step(self) -> None:
        self.step_memory = {'fields': dict(self.memory['fields']), 'salt': self.memory['salt']}

    def commit_step(self) -> None:
        self.memory = self.step_memory

    def charm_class(self):
        import ops
        from dpcharmlibs.interfaces import RequirerCommonModel, ResourceProviderEventHandler

        run = self

        class ReferenceV1ProviderCharm(ops.CharmBase):
            def __init__(self, framework):
                super().__init__(framework)
                self.provider = ResourceProviderEventHandler(
                    self, run.relation_name, RequirerCommonModel
                )
                for kind in PROVIDER_EVENTS:
                    framework.observe(getattr(self.provider.on, kind), self._on_library_event)
                _hook_observers(self, framework, run.relation_name, self._on_hook)

            def _on_library_event(self, event):
                run.play_calls(self, PROVIDER_EVENTS[event.handle.kind], event)

            def _on_hook(self, event):
                run.play_calls(self, _normalise_on(event.handle.kind, run.relation_name), event)

        return ReferenceV1ProviderCharm

    def actual_events(self, ctx):
        out = []
        for e in ctx.emitted_events:
            if getattr(e, 'handle', None) is not None and e.handle.kind in PROVIDER_EVENTS:
                out.append((PROVIDER_EVENTS[e.handle.kind], lambda f, e=e: self.provider_field(e, f)))
        return out

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
            a = _args(call, ['status_code'])
            code = a['code'] if 'code' in a and 'status_code' not in a else a['status_code']
            charm.provider.resolve_status(self.rel_id, int(code))
        elif name == 'clear_statuses':
            charm.provider.clear_statuses(self.rel_id)
        else:  # screened by skip_reason; kept as a guard
            raise Fail(f'no mapping for charm call {name!r}')

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


# ---------------------------------------------------------------------------------------------
# data_interfaces v0: DatabaseProvides and DatabaseRequires


def _v0_event_field(event, field: str) -> Any:
    """An event attribute, read as a charm reads it (`event.username`, `event.status`, ...)."""
    value = getattr(event, field, _MISSING)
    if value is _MISSING:
        return None  # the Python event has no such attribute: counts as null
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


class V0ProviderRun(VectorRun):
    """Plays one provider vector on data_interfaces v0's DatabaseProvides."""

    def __init__(self, v: dict, all_diffs: bool, v0):
        super().__init__(v, all_diffs)
        self.v0 = v0

    def charm_class(self):
        import ops

        run = self
        DatabaseProvides = self.v0.DatabaseProvides

        class ReferenceV0ProviderCharm(ops.CharmBase):
            def __init__(self, framework):
                super().__init__(framework)
                self.provider = DatabaseProvides(self, relation_name=run.relation_name)
                for name in V0_PROVIDER_EVENTS:
                    framework.observe(getattr(self.provider.on, name), self._on_library_event)
                _hook_observers(self, framework, run.relation_name, self._on_hook)

            def _on_library_event(self, event):
                run.record(event.handle.kind, event, _v0_event_field)
                run.play_calls(self, event.handle.kind, event)

            def _on_hook(self, event):
                run.play_calls(self, _normalise_on(event.handle.kind, run.relation_name), event)

        return ReferenceV0ProviderCharm

    def play_call(self, charm, call: dict, event) -> None:
        kwargs = v0_call_kwargs(call)
        getattr(charm.provider, call['call'])(self.rel_id, **kwargs)


class V0RequirerRun(VectorRun):
    """Plays one requirer vector on data_interfaces v0's DatabaseRequires."""

    side = 'requirer'

    def __init__(self, v: dict, all_diffs: bool, v0):
        super().__init__(v, all_diffs)
        self.v0 = v0
        lib = v['library']
        self.options = {k: lib[k] for k in V0_REQUIRER_OPTIONS if k in lib}
        self.aliases = list(lib.get('relations_aliases') or [])

    def meta(self) -> dict:
        endpoint: dict[str, Any] = {'interface': self.interface}
        if self.aliases:
            # v0 wants as many aliases as the endpoint's relation limit.
            endpoint['limit'] = len(self.aliases)
        return {'name': self.local_app, 'requires': {self.endpoint: endpoint}}

    def charm_class(self):
        import ops

        run = self
        DatabaseRequires = self.v0.DatabaseRequires
        names = list(V0_REQUIRER_DATABASE_EVENTS) + list(V0_REQUIRER_STATUS_EVENTS)
        aliased = [f'{a}_{n}' for a in self.aliases for n in V0_REQUIRER_DATABASE_EVENTS]
        names += aliased
        events_cls = self.v0.DatabaseRequiresEvents

        class ReferenceV0RequirerCharm(ops.CharmBase):
            def __init__(self, framework):
                super().__init__(framework)
                # v0 defines the aliased events on its shared events class; each Juju hook is a
                # new process, so forget the ones an earlier hook of this process defined.
                for name in aliased:
                    if name in events_cls.__dict__:
                        delattr(events_cls, name)
                # A charm builds the library in every hook: a refused configuration fails each.
                self.database = DatabaseRequires(
                    self, relation_name=run.relation_name, **run.options
                )
                for name in names:
                    framework.observe(getattr(self.database.on, name), self._on_library_event)

            def _on_library_event(self, event):
                run.record(event.handle.kind, event, _v0_event_field)

        return ReferenceV0RequirerCharm


# ---------------------------------------------------------------------------------------------
# Classification


def skip_reason(v: dict, pass_name: str) -> str | None:
    if v['relation']['remote_app'] == v.get('local_app', 'app'):
        return (
            'cannot be simulated: remote_app equals local_app (Juju application names are unique; '
            'ops cannot tell the two bags apart)'
        )
    if pass_name != 'v1-provider':
        return None
    endpoint = v['library']['relation_name']
    for i, step in enumerate(v['steps'], 1):
        expect = step.get('expect', {})
        if expect.get('error') in LACKING_ERRORS:
            return LACKING_ERRORS[expect['error']]
        for ev in expect.get('events', []):
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


# ---------------------------------------------------------------------------------------------
# Known differences


def load_known_differences(path: str) -> dict[tuple[str, str], str]:
    """`PASS PATH  # reason` lines -> {(pass, normalised path): reason}."""
    known: dict[tuple[str, str], str] = {}
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        entry, _, reason = line.partition('#')
        words = entry.split()
        if not words:
            continue
        if len(words) != 2 or words[0] not in PASSES:
            raise Unusable(
                path,
                f'line {n}',
                f'expected "<pass> <vector path>  # <reason>" with <pass> one of '
                f'{", ".join(PASSES)}, got {entry.strip()!r}',
            )
        if not reason.strip():
            raise Unusable(path, f'line {n}', 'a known difference needs a reason after `#`')
        key = (words[0], os.path.normpath(words[1]))
        if key in known:
            raise Unusable(path, f'line {n}', f'{words[0]} {words[1]} is listed twice')
        known[key] = reason.strip()
    return known


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('paths', nargs='+', metavar='PATH')
    ap.add_argument(
        '--side',
        choices=['requirer', 'provider', 'both'],
        default='both',
        help='which vectors to run (default both)',
    )
    ap.add_argument(
        '--provider-lib',
        choices=['v1', 'v0', 'both'],
        default='both',
        help='the reference for provider vectors: dpcharmlibs-interfaces (v1), data_interfaces '
        'v0 DatabaseProvides (v0), or a pass on each (default)',
    )
    ap.add_argument(
        '--v0-lib',
        metavar='DIR',
        help='folder holding charms/data_platform_libs/v0/data_interfaces.py (default: the copy '
        'in the installed postgresql-charms-single-kernel)',
    )
    ap.add_argument(
        '--all-diffs', action='store_true', help='list every difference, not only the first'
    )
    ap.add_argument(
        '--mapping',
        choices=['read-modify-write', 'fresh'],
        default='read-modify-write',
        help='v1 pass: how a v0 setter becomes a v1 set_response: read the current response back '
        'and update it (default), or send a fresh model holding every field set so far',
    )
    ap.add_argument('--verbose', action='store_true', help='print tracebacks of runner errors')
    ap.add_argument(
        '--known-differences',
        metavar='FILE',
        help='vectors a reference is known to fail, one "<pass> <path>  # reason" per line: they '
        'are reported as XFAIL; a listed vector that passes (XPASS) or an unlisted failure fails '
        'the run',
    )
    args = ap.parse_args(argv)

    passes = []
    for name, side in PASSES.items():
        if args.side not in ('both', side):
            continue
        if side == 'provider' and args.provider_lib not in ('both', name[:2]):
            continue
        passes.append(name)

    try:
        known = load_known_differences(args.known_differences) if args.known_differences else {}
        vectors = load_vectors(args.paths)
    except Unusable as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    import_reference(need_v1='v1-provider' in passes)
    v0 = None
    if any(p.startswith('v0-') for p in passes):
        v0 = import_v0(args.v0_lib or default_v0_lib())
    install_juju_secret_gate()

    descriptions = {
        'v1-provider': 'dpcharmlibs-interfaces ResourceProviderEventHandler (data_interfaces v1)',
        'v0-requirer': f'data_interfaces v0 LIBPATCH {getattr(v0, "LIBPATCH", "?")} '
        f'DatabaseRequires ({getattr(v0, "__file__", "")})',
        'v0-provider': f'data_interfaces v0 LIBPATCH {getattr(v0, "LIBPATCH", "?")} '
        'DatabaseProvides',
    }
    total = {'passed': 0, 'failed': 0, 'skipped': 0, 'xfail': 0}
    started = time.monotonic()
    for pass_name in passes:
        side = PASSES[pass_name]
        print(f'## {pass_name}: {side} vectors on {descriptions[pass_name]}')
        count = {'passed': 0, 'failed': 0, 'skipped': 0, 'xfail': 0}
        t_pass = time.monotonic()
        for path, v in vectors:
            if v['side'] != side:
                continue
            rel = os.path.normpath(os.path.relpath(path))
            label = f'[{pass_name}] {v["name"]} [{os.path.relpath(path)}]'
            t0 = time.monotonic()
            reason = skip_reason(v, pass_name)
            if reason:
                count['skipped'] += 1
                print(f'SKIP {label}: {reason}')
                continue
            raised = ''
            try:
                if pass_name == 'v1-provider':
                    runner: VectorRun = V1ProviderRun(v, args.all_diffs, args.mapping)
                elif pass_name == 'v0-provider':
                    runner = V0ProviderRun(v, args.all_diffs, v0)
                else:
                    runner = V0RequirerRun(v, args.all_diffs, v0)
                diffs = runner.run()
                raised = ', '.join(
                    f'step {n}: {rule} as {exc}' for n, rule, exc in runner.expected_failures
                )
            except Fail as e:
                diffs = [str(e)]
            except Exception as e:  # the runner or Scenario refused something
                if args.verbose:
                    import traceback

                    traceback.print_exc()
                diffs = [f'runner error: {type(e).__name__}: {e}']
            ms = (time.monotonic() - t0) * 1000
            listed = known.get((pass_name, rel))
            if listed is not None:
                if diffs:
                    count['xfail'] += 1
                    print(f'XFAIL {label}: {listed}: {diffs[0]}')
                else:
                    count['failed'] += 1
                    print(
                        f'XPASS {label}: listed as a known difference ({listed}) but passed: '
                        'update the list'
                    )
                continue
            if diffs:
                count['failed'] += 1
                print(f'FAIL {label}: {diffs[0]}')
                for d in diffs[1:]:
                    print(f'     {d}')
            else:
                count['passed'] += 1
                # A vector's `error` is a rule id; the reference only has to fail the hook.
                print(f'PASS {label} ({ms:.0f} ms' + (f'; hook failed: {raised})' if raised else ')'))
        print(
            f'# {pass_name}: {count["passed"]} passed, {count["failed"]} failed, '
            f'{count["skipped"]} skipped, {count["xfail"]} xfail (known differences) '
            f'in {time.monotonic() - t_pass:.2f} s'
        )
        for k in total:
            total[k] += count[k]
    stale = sorted(k for k in known if k[0] in passes and not os.path.isfile(k[1]))
    for pass_name, rel in stale:
        print(f'# note: known difference {pass_name} {rel}: no such file (stale entry?)')
    print(f'# {len(vectors)} vectors, {len(passes)} passes, {time.monotonic() - started:.2f} s')
    print(
        f'{total["passed"]} passed, {total["failed"]} failed, {total["skipped"]} skipped, '
        f'{total["xfail"]} xfail',
        flush=True,
    )
    return 1 if total['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
