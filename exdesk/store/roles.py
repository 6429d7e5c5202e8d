"""Two database roles: the owner that migrates, and the application that only uses.

The decision log's append-only triggers bind everyone but the roles that may switch them
off: a superuser and the tables' owner. So the application connects as a role that owns
nothing, holds no superuser right, and has exactly the privileges it needs —
``SELECT``/``INSERT`` on the append-only tables (``decision_records``, ``ledger_entries``),
the usual DML elsewhere (LangGraph's checkpoint tables included), ``USAGE`` on sequences,
and one ``SECURITY DEFINER`` function to create a precedent search index. Migrations run
as the owner, who grants those privileges after every migration run.

The embedded server (no URL configured) gets both roles, ``exdesk_owner`` and
``exdesk_app``, from its superuser at every start; an external server is set up by its
administrator (README, "Security: what the chain proves").
"""

from __future__ import annotations

import logging
from contextlib import suppress
from urllib.parse import quote, urlsplit, urlunsplit

from psycopg import Connection, errors, sql
from psycopg.rows import DictRow

from exdesk.errors import ConfigurationError

logger = logging.getLogger(__name__)

OWNER_ROLE = "exdesk_owner"
"""Owns the schema's tables; used only to migrate (embedded default)."""
APPLICATION_ROLE = "exdesk_app"
"""What the application connects as (embedded default)."""

APPEND_ONLY_TABLES = ("decision_records", "ledger_entries")
"""Tables the application may read and append to, never change."""

_EMBEDDING_INDEX_FUNCTION = "exdesk_create_embedding_index(text, text, integer, integer, integer)"


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database URL, connecting as ``user``."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def current_role(conn: Connection[DictRow]) -> str:
    """The role the connection acts as."""
    row = conn.execute("SELECT current_user AS role").fetchone()
    assert row is not None
    return str(row["role"])


def ensure_roles(
    superuser: Connection[DictRow],
    roles: tuple[str, ...] = (OWNER_ROLE, APPLICATION_ROLE),
    *,
    password: dict[str, str] | None = None,
) -> None:
    """Create the login roles that are missing: no superuser, no role or database creation,
    no replication, no row-security bypass. ``password`` by role, where one is wanted."""
    for role in roles:
        exists = superuser.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        secret = (password or {}).get(role)
        statement = sql.SQL(
            "{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
            " NOBYPASSRLS PASSWORD {secret}"
        ).format(
            verb=sql.SQL("ALTER" if exists else "CREATE"),
            role=sql.Identifier(role),
            secret=sql.Literal(secret),
        )
        with suppress(errors.DuplicateObject):  # another process created it meanwhile
            superuser.execute(statement)


def adopt_database(superuser: Connection[DictRow], owner: str = OWNER_ROLE) -> None:
    """Make the current database the owner's to migrate: pgvector installed (only a
    superuser may, it is not a trusted extension) and fuzzystrmatch (trusted, but only for
    a role that may create in the database), the schema open to the owner, and every
    table, sequence and function already in it — made by an earlier release that connected
    as the superuser — handed to the owner. Idempotent."""
    superuser.execute("CREATE EXTENSION IF NOT EXISTS vector")
    superuser.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    superuser.execute(
        sql.SQL("GRANT USAGE, CREATE ON SCHEMA {schema} TO {owner}").format(
            schema=sql.Identifier(_schema(superuser)), owner=sql.Identifier(owner)
        )
    )
    objects = superuser.execute(
        """
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
               format('%%I.%%I', n.nspname, c.relname) AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = %(owner)s)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT 'FUNCTION', p.oid::regprocedure::text
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()
          AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = %(owner)s)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
        """,
        {"owner": owner},
    ).fetchall()
    for found in objects:
        superuser.execute(
            sql.SQL("ALTER {kind} {name} OWNER TO {owner}").format(
                kind=sql.SQL(found["kind"]),
                name=sql.SQL(found["name"]),
                owner=sql.Identifier(owner),
            )
        )
    if objects:
        logger.info("handed %d objects to the owner role %s", len(objects), owner)


def grant_application_role(owner: Connection[DictRow], application: str) -> None:
    """Give the application role what it needs and nothing more (run as the owner, after
    migrating: tables a migration added get their grants too)."""
    names = {
        "role": sql.Identifier(application),
        "schema": sql.Identifier(_schema(owner)),
        "function": sql.SQL(_EMBEDDING_INDEX_FUNCTION),
    }
    statements = [
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "REVOKE ALL ON TABLE exdesk_migrations FROM {role}",
        "GRANT SELECT ON TABLE exdesk_migrations TO {role}",
        "GRANT EXECUTE ON FUNCTION {function} TO {role}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE {table} FROM {{role}}"
        for table in APPEND_ONLY_TABLES
    ]
    with owner.transaction():
        for statement in statements:
            owner.execute(sql.SQL(statement).format(**names))


def may_rewrite_log(conn: Connection[DictRow]) -> bool:
    """Whether the connection's role could switch off the log's append-only triggers: a
    superuser, or a member of the role that owns ``decision_records``."""
    row = conn.execute(
        "SELECT r.rolsuper OR coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false)"
        " AS may FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('decision_records')"
        " WHERE r.rolname = current_user"
    ).fetchone()
    return bool(row and row["may"])


def _schema(conn: Connection[DictRow]) -> str:
    row = conn.execute("SELECT current_schema() AS schema").fetchone()
    if row is None or row["schema"] is None:
        raise ConfigurationError("the database has no schema on its search path")
    return str(row["schema"])
