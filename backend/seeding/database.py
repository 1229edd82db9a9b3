"""The database's own chores around a bulk seed: a big cache first, then sequences and statistics."""

import time
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection

from connectivity.models import EligibilityCode
from inventory.models import Device
from loans.models import Loan, LoanItem
from organizations.models import Participant

BULK_MODELS = (Participant, Device, Loan, LoanItem, EligibilityCode)


def tune() -> None:
    if connection.vendor == "sqlite":
        # A big page cache: the random public tokens and participant ids spread index inserts over
        # the whole file, and SQLite's default 2 MB cache made them disk-bound (4x slower at 1M loans).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")


def reset_sequences() -> None:
    """Explicit ids bypass PostgreSQL's sequences: move them past the new rows."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(BULK_MODELS)):
            cursor.execute(statement)


def analyze(step: Callable[[str, float], None]) -> None:
    began = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # VACUUM fills the visibility map, so counts can be index-only scans as in production.
            for model in BULK_MODELS:
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    step("statistics (ANALYZE)", began)
