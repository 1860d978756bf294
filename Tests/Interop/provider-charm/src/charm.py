#!/usr/bin/env python3
"""Interop provider of `postgresql_client`: answers a database request as postgresql-k8s does.

Two implementations, chosen per hook by INTEROP_PROVIDER_IMPL (default `auto`):

- `v1`: Canonical's dpcharmlibs-interfaces 1.2.2 `ResourceProviderEventHandler` (the v1 library,
  which serves v0 requirers). It calls `relation-model-get` (ops' `Relation.remote_model`), a hook
  tool Juju has only from 3.6.2 on, so it cannot run under Juju 2.9.
- `v0wire`: a minimal ops charm written to the provider rules of Specs/postgresql_client-v0.md
  (PROV-EVT-SNAPSHOT, PROV-EVT-DATABASE-REQUESTED, PROV-SET-SECRETS), for Juju 2.9.
- `auto`: `v1` when Juju >= 3.6.2, else `v0wire`.

Either way, on the request it creates the user `relation_id_<id>` with a 16-character alphanumeric
password and shares: credentials, `endpoints` (`<host>:5432`), `uris`, `tls` = `False`,
`version` = `14.15` and `database` (the name requested). What it did is appended to
`$JUJU_CHARM_DIR/provider-record.json` (password replaced by its length).
"""

import json
import logging
import os
import secrets
import string
import sys

import ops

logger = logging.getLogger(__name__)

VERSION = "14.15"
PORT = 5432


def new_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


def implementation() -> str:
    impl = os.environ.get("INTEROP_PROVIDER_IMPL", "auto")
    if impl != "auto":
        return impl
    return "v1" if ops.JujuVersion.from_environ() >= ops.JujuVersion("3.6.2") else "v0wire"


def record(entry: dict) -> None:
    path = os.path.join(os.environ.get("JUJU_CHARM_DIR", "."), "provider-record.json")
    entries = json.load(open(path)) if os.path.exists(path) else []
    entries.append(entry)
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)


class ProviderCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.impl = implementation()
        if self.impl == "v1":
            from dpcharmlibs.interfaces import RequirerCommonModel, ResourceProviderEventHandler

            self.provided = ResourceProviderEventHandler(self, "database", RequirerCommonModel)
            framework.observe(self.provided.on.resource_requested, self._on_resource_requested)
        else:
            framework.observe(self.on["database"].relation_changed, self._on_relation_changed_v0)
        framework.observe(self.on.install, self._on_install)

    def _on_install(self, _event):
        self.unit.status = ops.ActiveStatus()

    # -- helpers shared by both implementations ---------------------------------------------------

    def _answer(self, relation: ops.Relation, database: str) -> dict:
        host = f"{self.app.name}-primary.{self.model.name}.svc.cluster.local"
        username = f"relation_id_{relation.id}"
        password = new_password()
        return {
            "username": username,
            "password": password,
            "endpoints": f"{host}:{PORT}",
            "uris": f"postgresql://{username}:{password}@{host}:{PORT}/{database}",
            "tls": "False",
            "version": VERSION,
            "database": database,
        }

    def _record(self, relation: ops.Relation, answer: dict) -> None:
        shown = dict(answer)
        shown["password"] = f"<{len(answer['password'])} chars>"
        shown["uris"] = shown["uris"].replace(answer["password"], "<password>")
        record({"impl": self.impl, "relation": relation.id, "juju": str(ops.JujuVersion.from_environ()),
                "answer": shown, "password_alnum": answer["password"].isalnum()})
        self.unit.status = ops.ActiveStatus()

    # -- v1 library -------------------------------------------------------------------------------

    def _on_resource_requested(self, event):
        from dpcharmlibs.interfaces import ResourceProviderModel

        answer = self._answer(event.relation, event.request.resource)
        response = ResourceProviderModel(
            salt=event.request.salt,
            request_id=event.request.request_id,
            resource=answer["database"],
            username=answer["username"],
            password=answer["password"],
            endpoints=answer["endpoints"],
            uris=answer["uris"],
            tls=False,
            version=VERSION,
        )
        self.provided.set_response(event.relation.id, response)
        self._record(event.relation, answer)

    # -- v0 wire rules (Juju 2.9) -----------------------------------------------------------------

    def _on_relation_changed_v0(self, event: ops.RelationChangedEvent):
        if not self.unit.is_leader():
            return  # PROV-EVT-NONLEADER
        relation = event.relation
        remote = dict(relation.data[relation.app])
        if not remote:
            return
        new = {k: v for k, v in remote.items() if k != "data"}
        own = relation.data[self.app]
        try:
            old = json.loads(own.get("data", "{}"))
        except ValueError:
            old = {}
        added = set(new) - set(old)
        snapshot = json.dumps(new, sort_keys=True)
        answer = None
        # PROV-EVT-DATABASE-REQUESTED: database newly added, entity-type not
        if "database" in added and "entity-type" not in added:
            answer = self._answer(relation, new["database"])
        updates = {"data": snapshot}
        if answer:
            requested = []
            if "requested-secrets" in new and self.model.juju_version.has_secrets:
                try:
                    requested = json.loads(new["requested-secrets"])
                except ValueError:
                    requested = []
            groups = {"user": ["username", "password", "uris"], "tls": ["tls"]}
            plain = dict(answer)
            for group, fields in groups.items():
                content = {f: answer[f] for f in fields if f in requested}
                if not content:
                    continue
                secret = self.app.add_secret(content, label=f"{relation.name}.{relation.id}.{group}.secret")
                secret.grant(relation)
                for f in content:
                    plain.pop(f)
                plain[f"secret-{group}"] = secret.id
            updates.update(plain)
        # one write of the application bag, in the order postgresql-k8s writes its fields
        for k, v in updates.items():
            own[k] = v
        if answer:
            self._record(relation, answer)


if __name__ == "__main__":
    ops.main(ProviderCharm)
