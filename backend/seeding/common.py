"""What every seeding step shares: the run's state, weighted picks, exact splits, codes, bulk writes."""

import datetime
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Max

from inventory.models import LABEL_CODE_ALPHABET

UTC = datetime.UTC
CHUNK = 50_000


def weighted(pairs):
    """A flat list to `choice` from: fast weighted picks."""
    return [value for value, weight in pairs for _n in range(weight)]


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` over the weights (largest remainders), so the parts add up exactly."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    for index in sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[index] += 1
    return parts


def short_code(index: int) -> str:
    """SAA, SAB, ... SZZ, then TAA...: three capital letters (676 per first letter from S)."""
    first, rest = divmod(index, 676)
    return chr(ord("S") + first) + chr(65 + rest // 26) + chr(65 + rest % 26)


LABEL_SPACE = len(LABEL_CODE_ALPHABET) ** 10
LABEL_MULTIPLIER = 7_919_000_003  # coprime with 31: id -> code is a bijection, so codes are unique


def label_code(device_id: int) -> str:
    n = (device_id * LABEL_MULTIPLIER + 12_345) % LABEL_SPACE
    chars = []
    for _i in range(10):
        n, digit = divmod(n, len(LABEL_CODE_ALPHABET))
        chars.append(LABEL_CODE_ALPHABET[digit])
    return "".join(chars)


class BulkWriter:
    """Inserts tuples in a model's column order: COPY on PostgreSQL, executemany on SQLite.

    The columns given must cover every concrete field: bulk writes bypass Django's defaults, so a
    field added later fails here loudly instead of as a NULL in the database."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}

    def timestamp(self, value: datetime.datetime | None):
        if value is None or self.postgres:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def date(self, value: datetime.date | None):
        return value if value is None or self.postgres else value.isoformat()

    def columns(self, model, names: Sequence[str]) -> list[str]:
        # A generated column (Loan.overdue_after) is computed by the database, never written.
        fields = {field.name: field for field in model._meta.concrete_fields if not getattr(field, "generated", False)}
        missing = set(fields) - set(names)
        if missing:
            raise CommandError(f"seed_scale does not fill {model.__name__}.{sorted(missing)}: update the command")
        return [fields[name].column for name in names]

    def write(self, model, names: Sequence[str], rows: Iterable[tuple]) -> int:
        table, columns = model._meta.db_table, self.columns(model, names)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                rows = list(rows)
                placeholders = ", ".join("?" for _c in columns)
                quoted = ", ".join(f'"{c}"' for c in columns)
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})', rows)
                count = len(rows)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + count
        return count


def next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


@dataclass
class Seed:
    """One run: its random source, writer, clock and progress report, and what each step leaves the next
    (sizes per organisation, the rows of the small tables, the id ranges of the big ones)."""

    rng: random.Random
    writer: BulkWriter
    now: datetime.datetime
    today: datetime.date
    step: Callable[[str, float], None]  # step(label, began): one progress line
    # sizes, one entry per organisation (organizations.sizes)
    n_devices: list[int] = field(default_factory=list)
    n_participants: list[int] = field(default_factory=list)
    n_loans: list[int] = field(default_factory=list)
    n_codes: list[int] = field(default_factory=list)
    n_open: list[int] = field(default_factory=list)
    # the small tables (organizations.small_tables)
    orgs: list = field(default_factory=list)
    grants: dict[int, list[int]] = field(default_factory=dict)
    donors: dict[int, list[int]] = field(default_factory=dict)
    policies: dict[int, list] = field(default_factory=dict)
    programme: object = None
    packs: list[int] = field(default_factory=list)
    batches: dict[int, list[int]] = field(default_factory=dict)
    # the big tables: (first id, count) per organisation, and the device ids of its open loans
    participant_ranges: list[tuple[int, int]] = field(default_factory=list)
    device_ranges: list[tuple[int, int]] = field(default_factory=list)
    on_loan: list[list[int]] = field(default_factory=list)
