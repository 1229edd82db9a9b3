"""Trigger-kept tallies: a count table per key (organisation, status...) that the database keeps exact as rows
of a table are inserted, deleted or change key, so a list can read its total instead of counting rows.

Used by migrations (inventory 0004 and 0006, loans 0004 and 0005). PostgreSQL gets statement-level triggers with
transition tables: each INSERT/UPDATE/DELETE statement adds the difference between its new and old rows,
grouped by key (a bulk import of 100k rows costs one grouped write; an UPDATE that changes no key nets to
nothing and writes nothing). SQLite, which has no transition tables, gets row-level triggers.

Two kinds. A tally updated in place (upserts taken in key order) locks its rows until commit: fine for keys
that rarely change (organisation, a loan's status and due date). For keys that change with every status
change (inventory's DeviceCount), an insert-only tally (`deltas`): rows of +n/-n that no writer locks, summed
by readers and folded now and then by compact_deltas.

Migrations call this module: keep the SQL it generates for existing keys as it is (add, do not change), or
old migrations would create different triggers on new databases than on existing ones.
"""


def _postgres(table: str, tally: str, keys: list[str], count: str, *, deltas: bool = False):
    """(create, drop) statements of the statement-level triggers; `deltas`: insert-only rows, else upserts."""
    columns = ", ".join(keys)
    sources = {
        "insert": "SELECT {c}, 1 AS d FROM new_rows",
        "delete": "SELECT {c}, -1 AS d FROM old_rows",
        "update": "SELECT {c}, 1 AS d FROM new_rows UNION ALL SELECT {c}, -1 FROM old_rows",
    }
    referencing = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    create, drop = [], []
    for op, source in sources.items():
        if deltas:
            name = f"{table}_deltas_{op}"
            write = f"""INSERT INTO {tally} ({columns}, {count})
        SELECT {columns}, sum(d) FROM ({source.format(c=columns)}) AS delta
        GROUP BY {columns} HAVING sum(d) <> 0;"""
        else:
            name = f"{table}_tally_{op}"
            write = f"""INSERT INTO {tally} AS t ({columns}, {count})
        SELECT {columns}, sum(d) FROM ({source.format(c=columns)}) AS delta
        GROUP BY {columns} HAVING sum(d) <> 0
        ORDER BY {columns}
        ON CONFLICT ({columns}) DO UPDATE SET {count} = t.{count} + EXCLUDED.{count};"""
        create.append(
            f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {write}
    RETURN NULL;
END $$"""
        )
        create.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} {referencing[op]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def _sqlite(table: str, tally: str, keys: list[str], count: str, *, deltas: bool = False, watch=None):
    """(create, drop) statements of the row-level triggers; `deltas`: insert-only rows, else upserts.
    `watch`: the columns whose UPDATE can change a key (default the keys): a key that is a generated column
    changes when the columns it is computed from are updated, and SQLite's UPDATE OF names only those."""
    columns = ", ".join(keys)
    watched = ", ".join(watch or keys)
    changed = " OR ".join(f"NEW.{k} <> OLD.{k}" for k in keys)
    if deltas:
        prefix = f"{table}_deltas"

        def row(alias: str, n: int) -> str:
            values = ", ".join(f"{alias}.{k}" for k in keys)
            return f"INSERT INTO {tally} ({columns}, {count}) VALUES ({values}, {n});"

        add, remove = row("NEW", 1), row("OLD", -1)
    else:
        prefix = f"{table}_tally"
        add = (
            f"INSERT INTO {tally} ({columns}, {count}) SELECT {', '.join(f'NEW.{k}' for k in keys)}, 1 WHERE true "
            f"ON CONFLICT ({columns}) DO UPDATE SET {count} = {count} + 1;"
        )
        remove = f"UPDATE {tally} SET {count} = {count} - 1 WHERE {' AND '.join(f'{k} = OLD.{k}' for k in keys)};"
    create = [
        f"CREATE TRIGGER {prefix}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {prefix}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {prefix}_update AFTER UPDATE OF {watched} ON {table} WHEN {changed} BEGIN {remove} {add} END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {prefix}_{op}" for op in ("insert", "delete", "update")]
    return create, drop


def tally_triggers(
    vendor: str, *, table: str, tally: str, keys: list[str], count: str, deltas: bool = False, watch=None
):
    """(create, drop): the statements that create the triggers keeping `tally` exact for `table` and fill it
    from the table's rows, and those that drop them and empty it. A tally is unique on `keys`, counting in
    `count`, its rows updated in place; with `deltas`, an insert-only tally (an id, `keys`, `count`) that
    gets a row of +n/-n per change and is folded by compact_deltas. `watch`: see _sqlite (PostgreSQL's
    statement-level triggers see every UPDATE, generated columns included)."""
    if vendor == "postgresql":
        create, drop = _postgres(table, tally, keys, count, deltas=deltas)
    elif vendor == "sqlite":
        create, drop = _sqlite(table, tally, keys, count, deltas=deltas, watch=watch)
    else:
        raise NotImplementedError(f"tally triggers exist for PostgreSQL and SQLite only, not {vendor}")
    columns = ", ".join(keys)
    fill = f"INSERT INTO {tally} ({columns}, {count}) SELECT {columns}, count(*) FROM {table} GROUP BY {columns}"
    return [*create, fill], [*drop, f"DELETE FROM {tally}"]


def run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def tally_operations(*, table: str, tally: str, keys: list[str], count: str, deltas: bool = False, watch=None):
    """A migration's (forwards, backwards) RunPython functions for tally_triggers."""

    def statements(schema_editor) -> tuple[list[str], list[str]]:
        vendor = schema_editor.connection.vendor
        return tally_triggers(vendor, table=table, tally=tally, keys=keys, count=count, deltas=deltas, watch=watch)

    def forwards(apps, schema_editor):
        run(schema_editor, statements(schema_editor)[0])

    def backwards(apps, schema_editor):
        run(schema_editor, statements(schema_editor)[1])

    return forwards, backwards


def compact_deltas(connection, *, tally: str, keys: list[str], count: str) -> int:
    """Folds the rows of an insert-only tally into one row per key (keys summing to zero go); the sums stay
    exact while writes go on. Returns how many rows it folded."""
    columns = ", ".join(keys)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the DELETE sees the rows committed before it began and folds exactly those; rows that
            # writers commit meanwhile stay for the next run. The advisory lock keeps two runs from queueing.
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [tally])
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute(
                f"WITH folded AS (DELETE FROM {tally} RETURNING {columns}, {count}), "
                f"summed AS (INSERT INTO {tally} ({columns}, {count}) SELECT {columns}, sum({count}) FROM folded "
                f"GROUP BY {columns} HAVING sum({count}) <> 0 RETURNING 1) "
                f"SELECT (SELECT count(*) FROM folded)"
            )
            return cursor.fetchone()[0]
        # SQLite: the caller's transaction holds the database's write lock from its start (IMMEDIATE), so no
        # row below the highest id read here can appear before the DELETE.
        cursor.execute(f"SELECT max(id), count(*) FROM {tally}")
        top, rows = cursor.fetchone()
        if top is None:
            return 0
        cursor.execute(
            f"INSERT INTO {tally} ({columns}, {count}) SELECT {columns}, sum({count}) FROM {tally} WHERE id <= %s "
            f"GROUP BY {columns} HAVING sum({count}) <> 0",
            [top],
        )
        cursor.execute(f"DELETE FROM {tally} WHERE id <= %s", [top])
        return rows
