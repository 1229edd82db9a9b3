"""Backup and restore: make data, back it up, restore into a fresh database, find the same counts."""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import requires_postgres
from tests.factories import OrganizationFactory, ParticipantFactory
from tests.loans.factories import DeviceFactory

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, var_dir: Path, database: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(VAR_DIR=str(var_dir), DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def test_an_sqlite_backup_restored_into_a_fresh_database_has_the_same_rows(tmp_path):
    live = tmp_path / "db.sqlite3"
    loaded = _manage("migrate", "--noinput", var_dir=tmp_path, database=live)
    assert loaded.returncode == 0, loaded.stderr
    demo = _manage("bootstrap", var_dir=tmp_path, database=live)  # the demo data: loans, devices, SMS...
    assert demo.returncode == 0, demo.stderr
    backup_file = tmp_path / "lendwise.sqlite3.bak"
    made = _manage("backup", str(backup_file), var_dir=tmp_path, database=live)
    assert made.returncode == 0, made.stderr
    assert "Backed up the sqlite3 database" in made.stdout

    fresh = tmp_path / "restored.sqlite3"
    restored = _manage(
        "restore",
        str(backup_file),
        "--database-url",
        f"sqlite:///{fresh}",
        "--noinput",
        var_dir=tmp_path,
        database=live,
    )
    assert restored.returncode == 0, restored.stderr
    before, after = _sqlite_counts(live), _sqlite_counts(fresh)
    assert after == before
    for table in ("organizations_organization", "inventory_device", "loans_loan", "messaging_outboundmessage"):
        assert before[table] > 0, f"the demo data should fill {table}"
    check = _manage("showmigrations", "--plan", var_dir=tmp_path, database=fresh)
    assert check.returncode == 0 and "[ ]" not in check.stdout, "the restored database is fully migrated"


def test_a_restore_replaces_what_was_there(tmp_path):
    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for path, rows in ((source, 3), (target, 7)):
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t (n INTEGER)")
            db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(rows)])
    call_command("backup", str(tmp_path / "a.bak"), database_url=f"sqlite:///{source}")
    call_command("restore", str(tmp_path / "a.bak"), database_url=f"sqlite:///{target}", noinput=True)
    assert _sqlite_counts(target) == {"t": 3}


def test_backup_refuses_to_overwrite_a_file_or_write_into_a_missing_folder(tmp_path):
    existing = tmp_path / "exists.bak"
    existing.write_text("keep me")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), database_url=url)
    assert existing.read_text() == "keep me"
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("backup", str(tmp_path / "nope" / "x.bak"), database_url=url)


def test_restore_refuses_a_missing_file_or_one_that_is_not_a_backup(tmp_path):
    target = tmp_path / "db.sqlite3"
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE t (n INTEGER)")
    url = f"sqlite:///{target}"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.bak"), database_url=url, noinput=True)
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"PGDMP not for sqlite")
    with pytest.raises(CommandError, match="is not an SQLite backup"):
        call_command("restore", str(junk), database_url=url, noinput=True)
    with pytest.raises(CommandError, match="is not a pg_dump custom-format backup"):
        call_command("restore", str(_sqlite_file(tmp_path)), database_url="postgres://u@127.0.0.1:9/x", noinput=True)
    assert _sqlite_counts(target) == {"t": 0}, "nothing changed"


def _sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "sqlite-file.bak"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (n INTEGER)")
    return path


def test_restore_asks_before_replacing_the_data(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(tmp_path / "x.bak"), database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")


def test_an_unsupported_database_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Unsupported database engine"):
        call_command("backup", str(tmp_path / "x.bak"), database_url="mysql://u:p@127.0.0.1:3306/x")


POSTGRES_TABLES = ("organizations_organization", "organizations_participant", "inventory_device", "auth_user")


def _pg_counts(dbname: str) -> dict[str, int]:
    import psycopg

    config = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=dbname, host=config["HOST"], port=config["PORT"], user=config["USER"], password=config["PASSWORD"]
    ) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


@requires_postgres
@pytest.mark.skipif(not shutil.which("pg_restore"), reason="needs pg_dump and pg_restore (postgresql-client)")
@pytest.mark.django_db(transaction=True)
def test_a_postgres_dump_restored_into_a_fresh_database_has_the_same_rows(tmp_path):
    for n in range(3):
        organization = OrganizationFactory(name=f"Org {n}", short_code=f"B{n}")
        ParticipantFactory.create_batch(4, organization=organization)
        DeviceFactory.create_batch(5, organization=organization)
    dump = tmp_path / "lendwise.dump"
    call_command("backup", str(dump))
    assert dump.read_bytes().startswith(b"PGDMP")

    config = settings.DATABASES["default"]
    fresh = f"{config['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        url = f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST']}:{config['PORT']}/{fresh}"
        call_command("restore", str(dump), database_url=url, noinput=True)
        before, after = _pg_counts(config["NAME"]), _pg_counts(fresh)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    assert after == before
    assert before["organizations_organization"] == 3 and before["inventory_device"] == 15


def test_a_failed_backup_leaves_no_file_and_the_next_run_succeeds(tmp_path):
    from backend import backup

    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"not a database at all, the copy fails midway" * 100)
    target = tmp_path / "night.bak"
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}
    with pytest.raises(sqlite3.DatabaseError):
        backup.backup(target=target, config=config)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]  # no half-written backup
    database.unlink()
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.commit()
    backup.backup(target=target, config=config)
    assert sqlite3.connect(target).execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
