"""Backups of the whole database: PostgreSQL with pg_dump/pg_restore (custom format), SQLite with
its online backup API (a consistent copy even while the web server and worker keep writing).

Used by `manage.py backup` and `manage.py restore`; see docs/operations.md, "Backup and restore".
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import environ

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says what to fix."""


def database_config(url: str | None) -> dict:
    """The settings-style database dict of `url`, or of the project's default database."""
    if url:
        return environ.Env.db_url_config(url)
    from django.conf import settings

    return settings.DATABASES["default"]


def engine(config: dict) -> str:
    name = config["ENGINE"].rsplit(".", 1)[-1]
    if name not in ("sqlite3", "postgresql"):
        raise BackupError(f"Unsupported database engine: {config['ENGINE']}")
    return name


def _pg_env(config: dict) -> dict:
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(key):
            env[variable] = str(config[key])
    env.setdefault("PGCONNECT_TIMEOUT", str(config.get("OPTIONS", {}).get("connect_timeout", 10)))
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup(*, target: Path, config: dict) -> None:
    """Write a full copy of the database to `target` (which must not exist yet)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory.")
    # Written beside the target and renamed when complete: a failed run leaves no half-written backup
    # (which would also block the next run under the same name).
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine(config) == "sqlite3":
            source = sqlite3.connect(config["NAME"])
            destination = sqlite3.connect(partial)
            try:
                with destination:
                    source.backup(destination)
            finally:
                source.close()
                destination.close()
        else:
            command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
            _run([*command, config["NAME"]], _pg_env(config))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)


def restore(*, source: Path, config: dict) -> None:
    """Replace the whole content of the database with the backup in `source`."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    with source.open("rb") as file:
        header = file.read(16)  # a dump may be gigabytes: read the magic bytes only
    if engine(config) == "sqlite3":
        if not header.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} is not an SQLite backup (made by `manage.py backup` on SQLite).")
        from django.db import connections

        connections.close_all()
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        destination = sqlite3.connect(config["NAME"])
        try:
            with destination:
                backup_db.backup(destination)
        finally:
            backup_db.close()
            destination.close()
        return
    if not header.startswith(PG_CUSTOM_MAGIC):
        raise BackupError(f"{source} is not a pg_dump custom-format backup (made by `manage.py backup`).")
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={config['NAME']}",
            str(source),
        ],
        _pg_env(config),
    )
