"""Seed a regional deployment's worth of data for benchmarks: many organisations, devices, participants,
loans and internet codes, written in bulk (PostgreSQL COPY, SQLite executemany) with every constraint
and index in place.

Run by hand on a throw-away database, never on real data (rows get no history and no events):

    VAR_DIR=/tmp/var-scale python manage.py migrate --noinput
    VAR_DIR=/tmp/var-scale python manage.py seed_scale            # 200 orgs, 100k devices, 1M loans...

Organisation sizes follow a Zipf law (`--skew`, 1 by default): the first organisation ("Scale 000") is
the largest (about a sixth of everything with 200 organisations), the last ones hold a few hundred rows.
Each organisation has a staff user (`scale-<code>-staff`), two loan policies, two grants (of
`--funders` funders; the first funder has a user `scale-funder`), donors and two code batches.

Guarantees the benchmarks and the test rely on: a device is `on_loan` if and only if it is in exactly
one open loan; loans, their participant, policy and devices belong to the same organisation; about a
fifth of the open loans are overdue and about one in seven has a reminder due today; most participants have
a Belgian mobile number and SMS consent; held codes belong to distinct participants of their organisation.
"""

import datetime
import math
import random
import secrets
import time
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from connectivity.models import CodeBatch, ConnectivityProgramme, EligibilityCode, Pack
from inventory.models import LABEL_CODE_ALPHABET, Device, Donor
from inventory.services import device_counts_compact
from loans.models import Loan, LoanItem, LoanPolicy
from organizations.models import Funder, Grant, Membership, Organization, Participant

UTC = datetime.UTC
CHUNK = 50_000
FIRST_NAMES = [
    "Amina", "Youssef", "Fatima", "Mohamed", "Sofia", "Lucas", "Emma", "Noah", "Sara", "Adam", "Lina", "Rayan",
    "Nora", "Jan", "Marie", "Pieter", "Aya", "Omar", "Ines", "Hugo", "Hanna", "Bilal", "Leila", "Tom",
]  # fmt: skip
KINDS = [("laptop", 50), ("tablet", 25), ("chromebook", 10), ("smartphone", 5), ("desktop", 3), ("modem_4g", 5),
         ("accessory", 2)]  # fmt: skip
IDLE_STATUSES = [("available", 55), ("intake", 8), ("wiping", 5), ("refurbishing", 5), ("in_repair", 5),
                 ("retired", 7), ("lost", 2), ("stolen", 1), ("recycled", 5), ("given_away", 7)]  # fmt: skip
CLOSED_STATUSES = [("returned", 90), ("given", 5), ("lost", 3), ("written_off", 2)]
CODE_STATUSES = [("available", 50), ("assigned", 20), ("activated", 20), ("expired", 8), ("revoked", 2)]
MAKES = [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "EliteBook 840"), ("Samsung", "Galaxy Tab A8")]
LANGUAGES = [("nl", 35), ("fr", 40), ("en", 10), ("ar", 15)]
AGE_BANDS = ["", "18-29", "30-44", "45-64", "65+"]
GENDERS = ["", "woman", "man", "woman", "other"]
BASES = ["course_participant", "cpas_client", "increased_reimbursement", "social_tariff"]


def _weighted(pairs):
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


class Command(BaseCommand):
    help = "Seed benchmark data at regional scale with bulk inserts (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=200)
        parser.add_argument("--devices", type=int, default=100_000)
        parser.add_argument("--participants", type=int, default=200_000)
        parser.add_argument("--loans", type=int, default=1_000_000)
        parser.add_argument(
            "--open-loans",
            type=int,
            default=70_000,
            help="Open loans (each holds one device, so at most the devices of each organisation; "
            "default 70,000 of 100,000 devices, leaving devices available to lend).",
        )
        parser.add_argument("--codes", type=int, default=100_000)
        parser.add_argument("--funders", type=int, default=10)
        parser.add_argument("--skew", type=float, default=1.0, help="Zipf exponent of organisation sizes (0: equal)")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (same sizes + seed = same data)")

    def handle(self, *args, **options):
        for name in ("organizations", "devices", "participants", "loans", "open_loans", "codes", "funders"):
            if options[name] < 0 or (name in ("organizations", "funders") and options[name] < 1):
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        if options["open_loans"] > options["loans"]:
            raise CommandError("--open-loans cannot exceed --loans")
        if options["open_loans"] > options["devices"]:
            raise CommandError("--open-loans cannot exceed --devices: each open loan holds its own device")
        if options["organizations"] > 676 * 8:
            raise CommandError("--organizations: at most 5408")
        if Organization.objects.filter(name__startswith="Scale ").exists():
            raise CommandError("This database already holds seed_scale data: seed a fresh database.")
        if connection.vendor == "sqlite":
            # A big page cache: the random public tokens and participant ids spread index inserts over
            # the whole file, and SQLite's default 2 MB cache made them disk-bound (4x slower at 1M loans).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -1000000")
        self.rng = random.Random(options["seed"])
        self.writer = BulkWriter()
        self.now = timezone.now()
        self.today = timezone.localdate()
        started = time.monotonic()
        self.options = options
        self.sizes(options)
        with transaction.atomic():
            self.small_tables(options)
            self.participants()
            self.devices()
            self.loans()
            self.codes()
            self.reset_sequences()
        device_counts_compact()  # as beat would within ten minutes: the device rows' triggers left a row per device
        self.analyze()
        counts = ", ".join(f"{n} {name}" for name, n in self.writer.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(self.orgs)} organisations, {counts} in {time.monotonic() - started:.0f} s "
                f"({connection.vendor}). Largest organisation: {self.orgs[0].name} ({self.orgs[0].short_code})."
            )
        )

    def step(self, label: str, began: float) -> None:
        self.stdout.write(f"  {label} ({time.monotonic() - began:.1f} s)")
        self.stdout.flush()

    # --- sizes and the small tables (ORM) -------------------------------------------------------------

    def sizes(self, options) -> None:
        count = options["organizations"]
        weights = [1 / (i + 1) ** options["skew"] for i in range(count)]
        self.n_devices = allocate(options["devices"], weights)
        self.n_participants = allocate(options["participants"], weights)
        self.n_loans = allocate(options["loans"], weights)
        self.n_codes = allocate(options["codes"], weights)
        # Open loans: by weight, but never more than the organisation's devices or loans; the rest of
        # the wanted total goes to organisations that still have room.
        opens = [
            min(n, d, loans)
            for n, d, loans in zip(allocate(options["open_loans"], weights), self.n_devices, self.n_loans, strict=True)
        ]
        short = options["open_loans"] - sum(opens)
        for i in range(count):
            if short <= 0:
                break
            room = min(self.n_devices[i], self.n_loans[i]) - opens[i]
            extra = min(room, short)
            opens[i] += extra
            short -= extra
        self.n_open = opens
        # An organisation without devices or participants lends nothing.
        for i in range(count):
            if not self.n_devices[i] or not self.n_participants[i]:
                self.n_loans[i] = self.n_open[i] = 0

    def small_tables(self, options) -> None:
        began = time.monotonic()
        count = options["organizations"]
        self.orgs = Organization.objects.bulk_create(
            Organization(
                name=f"Scale {i:03d} VZW",
                short_code=short_code(i),
                address=f"Rue de la Scale {i + 1}, 1000 Brussel",
                phone="+3222150000",
                opening_hours="Mon-Fri 9:00-16:00",
                languages="nl,fr,en",
            )
            for i in range(count)
        )
        password = make_password(None)  # unusable: the benchmarks use API tokens
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"scale-{org.short_code.lower()}-staff", password=password) for org in self.orgs
        )
        Membership.objects.bulk_create(
            Membership(user=user, organization=org, role="staff") for user, org in zip(users, self.orgs, strict=True)
        )
        funders = Funder.objects.bulk_create(
            Funder(name=f"Scale funder {n:02d}", kind="foundation") for n in range(options["funders"])
        )
        funder_user = get_user_model().objects.create(username="scale-funder", password=password)
        funders[0].users.add(funder_user)
        grants = Grant.objects.bulk_create(
            Grant(
                organization=org,
                funder=funders[(i + k * 3) % len(funders)],
                name=f"Scale grant {k + 1}",
                amount=20000,
                starts_on=datetime.date(2024, 1, 1),
                ends_on=datetime.date(2027, 12, 31),
            )
            for i, org in enumerate(self.orgs)
            for k in range(2)
        )
        self.grants = {org.id: [g.id for g in grants if g.organization_id == org.id] for org in self.orgs}
        donors = Donor.objects.bulk_create(
            Donor(organization=org, name=f"Scale donor {k + 1}") for org in self.orgs for k in range(3)
        )
        self.donors = {org.id: [d.id for d in donors if d.organization_id == org.id] for org in self.orgs}
        policies = LoanPolicy.objects.bulk_create(
            policy
            for org in self.orgs
            for policy in (
                LoanPolicy(
                    organization=org,
                    name="Take-home laptop",
                    period_days=28,
                    max_renewals=2,
                    renewal_days=14,
                    renewal_mode="automatic",
                ),
                LoanPolicy(organization=org, name="Course tablet", period_days=56, max_renewals=0),
            )
        )
        self.policies = {org.id: [p for p in policies if p.organization_id == org.id] for org in self.orgs}
        programme, _created = ConnectivityProgramme.objects.get_or_create(
            name="Scale Essential Internet", defaults={"provider": "Telenet", "recheck_interval_months": 6}
        )
        self.programme = programme
        self.packs = [
            Pack.objects.get_or_create(
                programme=programme, name=name, defaults={"monthly_price": price, "connection_type": kind}
            )[0].id
            for name, price, kind in (("FIVE", 5, "mobile"), ("TEN", 10, "fixed"))
        ]
        batches = CodeBatch.objects.bulk_create(
            CodeBatch(
                organization=org,
                programme=programme,
                grant_id=self.grants[org.id][0] if k == 0 else None,
                reference=f"scale-{org.short_code}-{k + 1}.csv",
            )
            for org in self.orgs
            for k in range(2)
        )
        self.batches = {org.id: [b.id for b in batches if b.organization_id == org.id] for org in self.orgs}
        self.step(f"{count} organisations, users, {len(funders)} funders, grants, donors, policies, batches", began)

    # --- the big tables (COPY / executemany) ----------------------------------------------------------

    def participants(self) -> None:
        began = time.monotonic()
        rng, ts, first = self.rng, self.writer.timestamp, next_id(Participant)
        languages = _weighted(LANGUAGES)
        self.participant_ranges = []
        names = [
            "id", "organization", "display_name", "phone", "preferred_language", "sms_consent", "reference", "note",
            "age_band", "gender", "is_active", "anonymised_at", "created_at", "updated_at",
        ]  # fmt: skip
        now = ts(self.now)

        def rows():
            pid = first
            for org, count in zip(self.orgs, self.n_participants, strict=True):
                self.participant_ranges.append((pid, count))
                for _n in range(count):
                    phone = "" if rng.random() < 0.05 else f"+3247{(pid * 7919) % 10_000_000:07d}"
                    yield (
                        pid, org.id, f"{rng.choice(FIRST_NAMES)} {chr(65 + pid % 26)}.", phone, rng.choice(languages),
                        rng.random() < 0.8, "", "", rng.choice(AGE_BANDS), rng.choice(GENDERS), True, None, now, now,
                    )  # fmt: skip
                    pid += 1

        count = self.writer.write(Participant, names, rows())
        self.step(f"{count} participants", began)

    def devices(self) -> None:
        began = time.monotonic()
        rng, ts, date = self.rng, self.writer.timestamp, self.writer.date
        kinds, idle = _weighted(KINDS), _weighted(IDLE_STATUSES)
        first = next_id(Device)
        self.device_ranges = []
        self.on_loan: list[list[int]] = []  # per organisation: the device ids of its open loans
        names = [
            "id", "organization", "asset_tag", "label_code", "kind", "make", "model", "serial", "cpu", "ram_gb",
            "storage_gb", "os", "screen_inches", "source", "donor", "grant", "intake_date", "value", "condition",
            "location", "accessories", "notes", "status", "status_changed_at", "created_at", "updated_at",
        ]  # fmt: skip
        now = ts(self.now)

        def rows():
            did = first
            for index, (org, count) in enumerate(zip(self.orgs, self.n_devices, strict=True)):
                self.device_ranges.append((did, count))
                lent = set(rng.sample(range(did, did + count), self.n_open[index]))
                self.on_loan.append(sorted(lent))
                donors, grants = self.donors[org.id], self.grants[org.id]
                for n in range(count):
                    make, model = MAKES[did % len(MAKES)]
                    source = "donated" if rng.random() < 0.6 else rng.choice(("refurbished", "purchased"))
                    intake = self.today - datetime.timedelta(days=rng.randint(0, 1000))
                    yield (
                        did, org.id, f"{org.short_code}-{n + 1:05d}", label_code(did), rng.choice(kinds), make, model,
                        f"SN{did:09d}", "", 8, 256, "", None, source,
                        rng.choice(donors) if source == "donated" else None,
                        rng.choice(grants) if rng.random() < 0.6 else None,
                        date(intake), "150.00", rng.choice("AAABBBBCCp").replace("p", "parts"), "Shelf A", "", "",
                        "on_loan" if did in lent else rng.choice(idle), now, now, now,
                    )  # fmt: skip
                    did += 1

        count = self.writer.write(Device, names, rows())
        self.step(f"{count} devices", began)

    def loans(self) -> None:
        began = time.monotonic()
        rng, ts, date = self.rng, self.writer.timestamp, self.writer.date
        closed_statuses = _weighted(CLOSED_STATUSES)
        loan_id, item_id = next_id(Loan), next_id(LoanItem)
        loan_names = [
            "id", "organization", "participant", "policy", "cohort", "status", "started_on", "due_on", "closed_at",
            "max_renewals", "renewal_days", "renewal_mode", "renewals_count", "fee_amount", "fee_period",
            "deposit_amount", "grace_days", "reminder_offsets", "follow_up_after_days", "wipe_on_return",
            "public_token", "token_revoked_at", "checked_out_by", "checked_in_by", "note", "agreement_required",
            "agreement_signed_at", "created_at", "updated_at",
        ]  # fmt: skip
        item_names = [
            "id", "loan", "device", "accessories", "closed_at", "return_condition", "accessories_returned",
            "checked_in_by",
        ]  # fmt: skip
        loans_buffer, items_buffer = [], []
        written = 0

        def flush():
            nonlocal loans_buffer, items_buffer, written
            written += self.writer.write(Loan, loan_names, loans_buffer)
            self.writer.write(LoanItem, item_names, items_buffer)
            loans_buffer, items_buffer = [], []

        for index, org in enumerate(self.orgs):
            (p_first, p_count), (d_first, d_count) = self.participant_ranges[index], self.device_ranges[index]
            lent, policies = self.on_loan[index], self.policies[org.id]
            for n in range(self.n_loans[index]):
                policy = policies[0] if rng.random() < 0.8 else policies[1]
                is_open = n < len(lent)
                if is_open:
                    if rng.random() < 0.2:
                        due = self.today - datetime.timedelta(days=rng.randint(1, 60))
                    else:
                        due = self.today + datetime.timedelta(days=rng.randint(0, 28))
                    started = min(due - datetime.timedelta(days=policy.period_days), self.today)
                    status, closed_at, device = "active", None, lent[n]
                else:
                    started = self.today - datetime.timedelta(days=rng.randint(30, 1095))
                    due = started + datetime.timedelta(days=policy.period_days)
                    days = rng.randint(3, min(60, (self.today - started).days))
                    closed_at = datetime.datetime.combine(
                        started + datetime.timedelta(days=days), datetime.time(rng.randint(8, 15)), tzinfo=UTC
                    )
                    status, device = rng.choice(closed_statuses), d_first + rng.randrange(d_count)
                created = ts(datetime.datetime.combine(started, datetime.time(9), tzinfo=UTC))
                loans_buffer.append(
                    (
                        loan_id,
                        org.id,
                        p_first + rng.randrange(p_count),
                        policy.id,
                        None,
                        status,
                        date(started),
                        date(due),
                        ts(closed_at),
                        policy.max_renewals,
                        policy.renewal_days,
                        policy.renewal_mode,
                        0,
                        "0.00",
                        "month",
                        "0.00",
                        0,
                        "[-3, 0, 3, 7]",
                        14,
                        False,
                        secrets.token_urlsafe(32),
                        None,
                        None,
                        None,
                        "",
                        True,
                        created,
                        created,
                        created,
                    )  # fmt: skip
                )
                items_buffer.append((item_id, loan_id, device, "", ts(closed_at), "" if is_open else "good", "", None))
                loan_id += 1
                item_id += 1
                if len(loans_buffer) >= CHUNK:
                    flush()
                    if written % 200_000 == 0:
                        self.step(f"{written} loans", began)
        flush()
        self.step(f"{written} loans with one item each", began)

    def codes(self) -> None:
        began = time.monotonic()
        rng, ts, date = self.rng, self.writer.timestamp, self.writer.date
        statuses = _weighted(CODE_STATUSES)
        first = next_id(EligibilityCode)
        names = [
            "id", "organization", "batch", "programme", "pack", "code", "expires_on", "status", "status_changed_at",
            "participant", "eligibility_basis", "household_ref", "household_exclusive", "assigned_at", "assigned_by",
            "activated_on", "recheck_on", "revoked_reason", "modem", "modem_handover", "created_at",
        ]  # fmt: skip
        now = ts(self.now)
        expires = date(self.today + datetime.timedelta(days=365))

        def rows():
            cid = first
            for index, org in enumerate(self.orgs):
                p_first, p_count = self.participant_ranges[index]
                wanted = [rng.choice(statuses) for _n in range(self.n_codes[index])]
                held = sum(1 for s in wanted if s in ("assigned", "activated"))
                holders = iter(rng.sample(range(p_first, p_first + p_count), min(held, p_count)))
                batches = self.batches[org.id]
                for status in wanted:
                    participant = basis = assigned_at = activated_on = recheck_on = None
                    if status in ("assigned", "activated"):
                        participant = next(holders, None)
                        if participant is None:  # more held codes than participants: keep it in stock
                            status = "available"
                    if participant is not None:
                        basis = rng.choice(BASES)
                        assigned = self.today - datetime.timedelta(days=rng.randint(1, 300))
                        assigned_at = ts(datetime.datetime.combine(assigned, datetime.time(10), tzinfo=UTC))
                        activated_on = date(assigned + datetime.timedelta(days=3)) if status == "activated" else None
                        recheck_on = date(assigned + datetime.timedelta(days=182))
                    yield (
                        cid, org.id, batches[cid % 2], self.programme.id, self.packs[cid % 2], f"SC{cid:010d}",
                        expires, status, now, participant, basis or "", "", False, assigned_at, None, activated_on,
                        recheck_on, "returned to provider" if status == "revoked" else "", None, "", now,
                    )  # fmt: skip
                    cid += 1

        count = self.writer.write(EligibilityCode, names, rows())
        self.step(f"{count} internet codes", began)

    def reset_sequences(self) -> None:
        """Explicit ids bypass PostgreSQL's sequences: move them past the new rows."""
        models = [Participant, Device, Loan, LoanItem, EligibilityCode]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def analyze(self) -> None:
        began = time.monotonic()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # VACUUM fills the visibility map, so counts can be index-only scans as in production.
                for model in (Participant, Device, Loan, LoanItem, EligibilityCode):
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
                cursor.execute("ANALYZE")
            else:
                cursor.execute("ANALYZE")
        self.step("statistics (ANALYZE)", began)
