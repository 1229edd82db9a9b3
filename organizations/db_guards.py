"""Database triggers that refuse a row pointing at another organisation's row, whatever path writes it.

Made from the models themselves (`tenancy.tenant_links`), so a new link is guarded without anyone
listing it, and (re)installed after every `migrate` (post_migrate): on SQLite a migration that rebuilds
a table drops its triggers, and this puts them back. On SQLite they are dropped before a migrate that has
migrations to apply (pre_migrate), since a rebuilt table is renamed, which SQLite refuses while another
table's trigger names it. PostgreSQL and SQLite both get them.

A refused write raises IntegrityError ("lendwise_same_organization: <table>.<column>"); the services
check the same rule first and answer 400/404 naming the field, so the trigger is the last line only.
"""

from django.apps import apps
from django.db import connections

from .tenancy import organization_lookup, tenant_links

PREFIX = "lw_same_org"
MESSAGE = "lendwise_same_organization"


def _org_expression(model, lookup: str, row: str) -> str:
    """SQL for the organisation id reached from `row` (NEW, or a subquery's alias) along `lookup`."""
    if lookup in ("organization_id", "id"):
        return f"{row}.{model._meta.get_field('organization').column if lookup == 'organization_id' else 'id'}"
    first, rest = lookup.split("__", 1)
    field = model._meta.get_field(first)
    target = field.related_model
    alias = f"t_{target._meta.db_table}"[:60]
    inner = _org_expression(target, rest, alias)
    return (
        f"(SELECT {inner} FROM {target._meta.db_table} {alias} "
        f"WHERE {alias}.{target._meta.pk.column} = {row}.{field.column})"
    )


def guarded_links():
    """[(model, field, own organisation SQL, target organisation SQL)] for every concrete tenant link."""
    links = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or "history_id" in {f.name for f in meta.concrete_fields}:
            continue
        own_lookup = organization_lookup(model)
        if own_lookup is None:
            continue
        for field in tenant_links(model):
            if own_lookup.startswith(f"{field.name}__"):
                continue  # the link that says where the row belongs cannot disagree with itself
            target = field.related_model
            target_sql = _org_expression(target, organization_lookup(target), "t_target")
            target_sql = (
                f"(SELECT {target_sql} FROM {target._meta.db_table} t_target "
                f"WHERE t_target.{target._meta.pk.column} = NEW.{field.column})"
            )
            links.append((model, field, _org_expression(model, own_lookup, "NEW"), target_sql))
    return links


def _name(model, field) -> str:
    return f"{PREFIX}_{model._meta.db_table}_{field.column}"[:63]


def install(using: str = "default") -> int:
    """Create or replace every guard; returns how many links are guarded."""
    connection = connections[using]
    links = guarded_links()
    with connection.cursor() as cursor:
        for model, field, own_sql, target_sql in links:
            table, name = model._meta.db_table, _name(model, field)
            where = (
                f"NEW.{field.column} IS NOT NULL AND {own_sql} IS NOT NULL AND {target_sql} IS DISTINCT FROM {own_sql}"
            )
            message = f"{MESSAGE}: {table}.{field.column}"
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN IF {where} THEN RAISE EXCEPTION '{message}' USING ERRCODE = '23514'; END IF; "
                    f"RETURN NEW; END $$"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
            elif connection.vendor == "sqlite":
                condition = where.replace("IS DISTINCT FROM", "IS NOT")
                for event in ("INSERT", "UPDATE"):
                    trigger = f"{name}_{event[0].lower()}"
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                    cursor.execute(
                        f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH ROW WHEN {condition} "
                        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                    )
    return len(links)


def uninstall(using: str = "default") -> int:
    """Drop every guard (SQLite only): a migration that rebuilds a table renames it, and SQLite refuses the
    rename while another table's trigger names the old table. `install` puts them back after the migration."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{PREFIX}_%"])
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return len(names)


def uninstall_before_migrate(sender, using="default", plan=None, **kwargs):
    """pre_migrate receiver: with a plan to apply, the SQLite guards go first (see `uninstall`)."""
    if plan:
        uninstall(using)


def install_after_migrate(sender, using="default", plan=None, **kwargs):
    """post_migrate receiver (connected for this app, which Django signals after every app has migrated)."""
    tables = set(connections[using].introspection.table_names())
    if all(model._meta.db_table in tables for model, *_ in guarded_links()):
        install(using)
