#!/usr/bin/env python3
"""Interop requirer of `postgresql_client`, written to the v0 wire rules (Specs/postgresql_client-v0.md).

A minimal ops charm, not a library: it does on the wire what `data_interfaces` v0's
`DatabaseRequires(self, "database", database_name="names_db")` does, for the fields this suite uses.

- relation-created, leader (REQ-EVT-REQUEST): `database` into the application bag; under Juju 3
  (secrets available) also `requested-secrets` and `provided-secrets`, into the application bag
  and the leader's own unit bag.
- relation-changed, every unit (REQ-EVT-SNAPSHOT, REQ-EVT-DATABASE-CREATED, ...): diff the provider
  application bag (minus its `data`) against the `data` snapshot kept in the unit's own bag, write
  the new snapshot, and fire at most one of database_created / endpoints_changed /
  read_only_endpoints_changed. database_created when `secret-user` or both `username` and
  `password` were added. Credentials come from the `secret-user` secret (read by URI with
  `--refresh` and the label `database.<id>.user.secret`) when the bag has it, else from the bag.
- relation-broken: waiting again.

What it saw goes to `$JUJU_CHARM_DIR/requirer-record.json` (the password replaced by its length).
"""

import json
import os

import ops

DATABASE = "names_db"
REQUESTED_SECRETS = ["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]
USER_FIELDS = ["username", "password", "uris", "read-only-uris"]


def record(entry: dict) -> None:
    path = os.path.join(os.environ.get("JUJU_CHARM_DIR", "."), "requirer-record.json")
    entries = json.load(open(path)) if os.path.exists(path) else []
    entries.append(entry)
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)


class RequirerCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on["database"].relation_created, self._on_created)
        framework.observe(self.on["database"].relation_changed, self._on_changed)
        framework.observe(self.on["database"].relation_broken, self._on_broken)

    def _on_created(self, event: ops.RelationCreatedEvent):
        if not self.unit.is_leader():
            return  # REQ-EVT-NONLEADER: nothing without aliases
        app_bag = event.relation.data[self.app]
        if self.model.juju_version.has_secrets:
            secret_lists = {
                "requested-secrets": json.dumps(REQUESTED_SECRETS),
                "provided-secrets": json.dumps(["mtls-cert"]),
            }
            app_bag.update(secret_lists)
            event.relation.data[self.unit].update(secret_lists)
        app_bag["database"] = DATABASE
        self.unit.status = ops.WaitingStatus("Waiting for database relation")

    def _on_changed(self, event: ops.RelationChangedEvent):
        relation = event.relation
        remote = relation.data[relation.app]
        new = {k: v for k, v in remote.items() if k != "data"}
        mine = relation.data[self.unit]
        try:
            old = json.loads(mine.get("data") or "{}")
        except ValueError:
            old = {}
        added = {k for k in new if k not in old}
        changed = {k for k in new if k in old and old[k] != new[k]}
        mine["data"] = json.dumps(new, sort_keys=True)

        provider_saw = {}
        try:
            provider_saw = json.loads(remote.get("data") or "{}")
        except ValueError:
            pass
        event_name = None
        if ("secret-user" in added or {"username", "password"} <= added) and "entity-type" not in provider_saw:
            event_name = "database_created"
        elif "endpoints" in added | changed:
            event_name = "endpoints_changed"
        elif "read-only-endpoints" in added | changed:
            event_name = "read_only_endpoints_changed"
        if event_name is None:
            return
        fields = {k: new.get(k) for k in ("endpoints", "read-only-endpoints", "version", "database")}
        creds = {k: new.get(k) for k in USER_FIELDS + ["tls"]}
        if new.get("secret-user") and self.model.juju_version.has_secrets:
            secret = self.model.get_secret(id=new["secret-user"], label=f"database.{relation.id}.user.secret")
            content = secret.get_content(refresh=True)
            for k in USER_FIELDS:
                creds[k] = content.get(k)
        if new.get("secret-tls") and self.model.juju_version.has_secrets:
            secret = self.model.get_secret(id=new["secret-tls"], label=f"database.{relation.id}.tls.secret")
            creds["tls"] = secret.get_content(refresh=True).get("tls")
        fields.update(creds)
        password = fields.pop("password")
        if fields.get("uris") and password:
            fields["uris"] = fields["uris"].replace(password, "<password>")
        fields["password_length"] = len(password) if password else 0
        record({"unit": self.unit.name, "event": event_name, "juju": str(self.model.juju_version),
                "from_secret": bool(new.get("secret-user")), "fields": fields})
        if event_name == "database_created" and fields.get("username") and password:
            self.unit.status = ops.ActiveStatus()

    def _on_broken(self, event: ops.RelationBrokenEvent):
        record({"unit": self.unit.name, "event": "relation_broken"})
        self.unit.status = ops.WaitingStatus("Waiting for database relation")


if __name__ == "__main__":
    ops.main(RequirerCharm)
