"""Trigger-kept tallies: a count table per key (organisation, status...) that the database keeps exact as rows
of a table are inserted, deleted or change key, so a list can read its total instead of counting rows.

Used by migrations (inventory 0005, loans 0004). PostgreSQL gets statement-level triggers with transition
tables: each INSERT/UPDATE/DELETE statement adds the difference between its new and old rows, grouped by key,
in one upsert taken in key order (two statements lock tally rows in the same order; a bulk import of 100k rows
costs one grouped upsert; an UPDATE that changes no key nets to nothing and writes nothing). SQLite, which has
no transition tables, gets row-level triggers.

Migrations call this module: keep the SQL it generates for existing keys as it is (add, do not change), or
old migrations would create different triggers on new databases than on existing ones.
"""


def _postgres(table: str, tally: str, keys: list[str], count: str) -> tuple[list[str], list[str]]:
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
        name = f"{table}_tally_{op}"
        create.append(
            f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {tally} AS t ({columns}, {count})
        SELECT {columns}, sum(d) FROM ({source.format(c=columns)}) AS delta
        GROUP BY {columns} HAVING sum(d) <> 0
        ORDER BY {columns}
        ON CONFLICT ({columns}) DO UPDATE SET {count} = t.{count} + EXCLUDED.{count};
    RETURN NULL;
END $$"""
        )
        create.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} {referencing[op]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def _sqlite(table: str, tally: str, keys: list[str], count: str) -> tuple[list[str], list[str]]:
    columns = ", ".join(keys)
    add = (
        f"INSERT INTO {tally} ({columns}, {count}) SELECT {', '.join(f'NEW.{k}' for k in keys)}, 1 WHERE true "
        f"ON CONFLICT ({columns}) DO UPDATE SET {count} = {count} + 1;"
    )
    remove = f"UPDATE {tally} SET {count} = {count} - 1 WHERE {' AND '.join(f'{k} = OLD.{k}' for k in keys)};"
    changed = " OR ".join(f"NEW.{k} <> OLD.{k}" for k in keys)
    create = [
        f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_tally_update AFTER UPDATE OF {columns} ON {table} WHEN {changed} "
        f"BEGIN {remove} {add} END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {table}_tally_{op}" for op in ("insert", "delete", "update")]
    return create, drop


def tally_triggers(vendor: str, *, table: str, tally: str, keys: list[str], count: str):
    """(create, drop): the statements that create the triggers keeping `tally` (unique on `keys`, counting
    in `count`) exact for `table` and fill it from the table's rows, and those that drop them and empty it."""
    if vendor == "postgresql":
        create, drop = _postgres(table, tally, keys, count)
    elif vendor == "sqlite":
        create, drop = _sqlite(table, tally, keys, count)
    else:
        raise NotImplementedError(f"tally triggers exist for PostgreSQL and SQLite only, not {vendor}")
    columns = ", ".join(keys)
    fill = f"INSERT INTO {tally} ({columns}, {count}) SELECT {columns}, count(*) FROM {table} GROUP BY {columns}"
    return [*create, fill], [*drop, f"DELETE FROM {tally}"]


def run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def tally_operations(*, table: str, tally: str, keys: list[str], count: str):
    """A migration's (forwards, backwards) RunPython functions for tally_triggers."""

    def forwards(apps, schema_editor):
        run(
            schema_editor,
            tally_triggers(schema_editor.connection.vendor, table=table, tally=tally, keys=keys, count=count)[0],
        )

    def backwards(apps, schema_editor):
        run(
            schema_editor,
            tally_triggers(schema_editor.connection.vendor, table=table, tally=tally, keys=keys, count=count)[1],
        )

    return forwards, backwards


# Insert-only tallies ("deltas"): the triggers only ever INSERT rows of +n/-n, so no counter row is locked by a
# write (keys that change with every status change would otherwise be locked until commit, and two transactions
# moving rows in opposite orders deadlock). Reads sum the rows of their keys; compact_deltas folds them into one
# row per key now and then.


def _postgres_deltas(table: str, tally: str, keys: list[str], count: str) -> tuple[list[str], list[str]]:
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
        name = f"{table}_deltas_{op}"
        create.append(
            f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {tally} ({columns}, {count})
        SELECT {columns}, sum(d) FROM ({source.format(c=columns)}) AS delta
        GROUP BY {columns} HAVING sum(d) <> 0;
    RETURN NULL;
END $$"""
        )
        create.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} {referencing[op]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def _sqlite_deltas(table: str, tally: str, keys: list[str], count: str) -> tuple[list[str], list[str]]:
    columns = ", ".join(keys)

    def row(prefix: str, n: int) -> str:
        return f"INSERT INTO {tally} ({columns}, {count}) VALUES ({', '.join(f'{prefix}.{k}' for k in keys)}, {n});"

    changed = " OR ".join(f"NEW.{k} <> OLD.{k}" for k in keys)
    create = [
        f"CREATE TRIGGER {table}_deltas_insert AFTER INSERT ON {table} BEGIN {row('NEW', 1)} END",
        f"CREATE TRIGGER {table}_deltas_delete AFTER DELETE ON {table} BEGIN {row('OLD', -1)} END",
        f"CREATE TRIGGER {table}_deltas_update AFTER UPDATE OF {columns} ON {table} WHEN {changed} "
        f"BEGIN {row('OLD', -1)} {row('NEW', 1)} END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {table}_deltas_{op}" for op in ("insert", "delete", "update")]
    return create, drop


def delta_tally_operations(*, table: str, tally: str, keys: list[str], count: str):
    """A migration's (forwards, backwards) RunPython functions: triggers that add a row of +n/-n to `tally`
    (an id, `keys` and `count`) for each change of `table`'s rows under `keys`, and its first rows."""
    columns = ", ".join(keys)

    def statements(vendor: str) -> tuple[list[str], list[str]]:
        if vendor == "postgresql":
            create, drop = _postgres_deltas(table, tally, keys, count)
        elif vendor == "sqlite":
            create, drop = _sqlite_deltas(table, tally, keys, count)
        else:
            raise NotImplementedError(f"tally triggers exist for PostgreSQL and SQLite only, not {vendor}")
        fill = f"INSERT INTO {tally} ({columns}, {count}) SELECT {columns}, count(*) FROM {table} GROUP BY {columns}"
        return [*create, fill], [*drop, f"DELETE FROM {tally}"]

    def forwards(apps, schema_editor):
        run(schema_editor, statements(schema_editor.connection.vendor)[0])

    def backwards(apps, schema_editor):
        run(schema_editor, statements(schema_editor.connection.vendor)[1])

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
