"""core.db.load_timestamps_in_c: psycopg's C loader gives exactly what Django's Python loader gives."""

import datetime

import pytest
import time_machine
from django.db import DataError, connection

from core.db import load_timestamps_in_c

# The clock fixed for every test here (#18): literal timestamps only, but fixed so that no run depends on its day.
FIXED_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


pytestmark = pytest.mark.django_db

# Fixed values on purpose, not the clock (#18): literals converted by the loader, compared with Django's;
# nothing here reads today, so the day the suite runs cannot change them.
VALUES = [
    "2026-11-27 08:30:15.123456+00",
    "2026-03-29 01:30:00+01",  # the night Brussels moves to summer time
    "2026-10-25 02:30:00+02",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
SQL = "SELECT " + ", ".join(f"'{value}'::timestamptz" for value in VALUES)


def _fetch(fast: bool, sql: str = SQL):
    with connection.cursor() as cursor:
        if fast:
            load_timestamps_in_c(cursor)
        cursor.execute(sql)
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
def test_the_c_loader_gives_djangos_values_and_time_zone():
    fast, django = _fetch(True), _fetch(False)
    assert fast == django
    assert [value.tzinfo for value in fast] == [value.tzinfo for value in django] == [datetime.UTC] * len(VALUES)
    assert fast[1] == datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
def test_only_the_one_cursor_changes():
    with connection.cursor() as cursor:
        load_timestamps_in_c(cursor)
        fast_loader = cursor.cursor.adapters.get_loader(1184, 0)
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(1184, 0) is not fast_loader


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
def test_a_session_in_another_time_zone_keeps_djangos_loader():
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Brussels'")
        try:
            before = cursor.cursor.adapters.get_loader(1184, 0)
            load_timestamps_in_c(cursor)
            assert cursor.cursor.adapters.get_loader(1184, 0) is before
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")
def test_a_timestamp_python_cannot_hold_is_an_error_with_both_loaders():
    for fast in (True, False):
        with pytest.raises(DataError):
            _fetch(fast, "SELECT 'infinity'::timestamptz")


def test_on_sqlite_nothing_changes():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        load_timestamps_in_c(cursor)  # no adapters on sqlite3: a no-op, not an error
        cursor.execute("SELECT '2026-11-27 08:30:15'")
        assert cursor.fetchone() == ("2026-11-27 08:30:15",)
