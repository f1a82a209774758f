"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

UPDATE is refused always; DELETE (and TRUNCATE on PostgreSQL) only while the archiving flag is
on, which `archive` sets inside its own transaction after the archive file is written and
verified: PostgreSQL's `SET LOCAL kfq.archiving = 'on'` (gone at commit), SQLite's one-row table
`kfq_audit_control` (set and reset in the same transaction). Whoever can run SQL as the owner
can drop a trigger; the HMAC chain (seal.py), whose key is not in the database, is what shows
that it happened.

Installed by migration accounts 0002 and again after every migrate (apps.py): SQLite rebuilds a
table to alter it, and the rebuilt table would have lost its triggers.
"""

from typing import Any

AUDIT_TABLES = (
    "auditlog_logentry",
    "accounts_accessevent",
    "accounts_auditseal",
    "accounts_auditarchive",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kfq_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('kfq.archiving', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

SQLITE_CONTROL = """
CREATE TABLE IF NOT EXISTS kfq_audit_control (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    archiving INTEGER NOT NULL DEFAULT 0
)
"""


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS kfq_append_only_update_{table} BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on {table} "
        "refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS kfq_append_only_delete_{table} BEFORE DELETE ON {table} "
        "WHEN coalesce((SELECT archiving FROM kfq_audit_control WHERE id = 1), 0) != 1 "
        f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on {table} "
        "refused'); END",
    ]


def _pg_statements(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS kfq_append_only ON {table}",
        f"CREATE TRIGGER kfq_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION kfq_audit_append_only()",
        f"DROP TRIGGER IF EXISTS kfq_append_only_truncate ON {table}",
        f"CREATE TRIGGER kfq_append_only_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION kfq_audit_append_only()",
    ]


def install_triggers(connection: Any) -> None:
    """(Re)create the triggers on every audit table that exists; idempotent."""
    existing = set(connection.introspection.table_names())
    tables = [table for table in AUDIT_TABLES if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in tables:
                for statement in _pg_statements(table):
                    cursor.execute(statement)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_CONTROL)
            cursor.execute("INSERT OR IGNORE INTO kfq_audit_control (id, archiving) VALUES (1, 0)")
            for table in tables:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(f"no audit triggers for {connection.vendor}")


def triggers_present(connection: Any) -> list[str]:
    """The audit tables that lack their append-only triggers (empty when all is well)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name = 'kfq_append_only'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'kfq_append_only_delete_%'"
            )
        protected = {row[0] for row in cursor.fetchall()}
    return [table for table in AUDIT_TABLES if table not in protected]


def set_archiving(connection: Any, *, on: bool) -> None:
    """Allow (or forbid again) DELETE on the audit tables, inside the caller's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('kfq.archiving', %s, true)", ["on" if on else "off"])
        else:
            cursor.execute("UPDATE kfq_audit_control SET archiving = %s WHERE id = 1", [int(on)])
