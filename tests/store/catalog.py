"""A database's schema read from the PostgreSQL catalogs, in a form two databases compare by.

Every object is keyed by its name and described by what PostgreSQL reports for it
(``format_type``, ``pg_get_expr``, ``pg_get_indexdef``, ``pg_get_constraintdef``,
``pg_get_triggerdef``, ``pg_get_functiondef``), so a difference shows as the objects that
differ. Objects that belong to an extension (pgvector's types, functions and operators)
are left out: the extension's name and version stand for them.

One thing is deliberately not compared: a column's position in its table. PostgreSQL
appends a column that ``ALTER TABLE … ADD COLUMN`` adds, and cannot move it without
rebuilding the table, so a table that gained a column in an upgrade lists it last where a
freshly created one lists it where ``CREATE TABLE`` put it. No code reads columns by
position: every statement names its columns, and ``SELECT *`` rows are dicts by name.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

_IN_SCHEMA = "n.nspname = current_schema()"
_RELATION_NOT_FROM_EXTENSION = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
    " AND d.objid = c.oid AND d.deptype = 'e')"
)
_FUNCTION_NOT_FROM_EXTENSION = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
    " AND d.objid = p.oid AND d.deptype = 'e')"
)

_QUERIES: dict[str, str] = {
    "extensions": "SELECT extname AS key, extversion AS value FROM pg_extension",
    "relations": (
        "SELECT c.relname AS key, c.relkind::text AS value"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        f" AND {_RELATION_NOT_FROM_EXTENSION}"
    ),
    "columns": (
        "SELECT c.relname || '.' || a.attname AS key,"
        " jsonb_build_object('type', format_type(a.atttypid, a.atttypmod),"
        "  'not_null', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid),"
        "  'identity', a.attidentity, 'generated', a.attgenerated,"
        "  'collation', co.collname) AS value"
        " FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
        " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
        f" WHERE {_IN_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
        " AND a.attnum > 0 AND NOT a.attisdropped"
    ),
    "indexes": (
        "SELECT i.relname AS key,"
        " jsonb_build_object('definition', pg_get_indexdef(x.indexrelid),"
        "  'valid', x.indisvalid) AS value"
        " FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_namespace n ON n.oid = i.relnamespace"
        f" WHERE {_IN_SCHEMA}"
    ),
    "constraints": (
        "SELECT c.relname || '.' || con.conname AS key,"
        " jsonb_build_object('type', con.contype::text,"
        "  'definition', pg_get_constraintdef(con.oid),"
        "  'deferrable', con.condeferrable, 'deferred', con.condeferred,"
        "  'validated', con.convalidated) AS value"
        " FROM pg_constraint con"
        " JOIN pg_class c ON c.oid = con.conrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCHEMA}"
    ),
    # Internal triggers are the ones foreign keys make; their names carry OIDs, and the
    # constraints above already describe them.
    "triggers": (
        "SELECT c.relname || '.' || t.tgname AS key,"
        " jsonb_build_object('definition', pg_get_triggerdef(t.oid),"
        "  'enabled', t.tgenabled::text) AS value"
        " FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCHEMA} AND NOT t.tgisinternal"
    ),
    "functions": (
        "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,"
        " pg_get_functiondef(p.oid) AS value"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        f" WHERE {_IN_SCHEMA}"
        f" AND {_FUNCTION_NOT_FROM_EXTENSION}"
    ),
    "sequences": (
        "SELECT sequencename AS key,"
        " jsonb_build_object('type', data_type::text, 'start', start_value,"
        "  'increment', increment_by, 'min', min_value, 'max', max_value,"
        "  'cycle', cycle, 'cache', cache_size) AS value"
        " FROM pg_sequences WHERE schemaname = current_schema()"
    ),
}

SECTIONS = tuple(_QUERIES)
"""What :func:`schema_of` describes, one dict per kind of object."""


def schema_of(conn: Connection[DictRow]) -> dict[str, dict[str, Any]]:
    """Every table, column, index, constraint, trigger, function and sequence of the
    current schema (and the installed extensions), by name."""
    return {
        section: {row["key"]: row["value"] for row in conn.execute(query).fetchall()}
        for section, query in _QUERIES.items()
    }
