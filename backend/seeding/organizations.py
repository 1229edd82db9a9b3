"""Sizes per organisation (Zipf), and the small tables written by the ORM: organisations, staff users,
funders and their grants, donors, loan policies, the connectivity programme, its packs and code batches."""

import datetime
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from connectivity.models import CodeBatch, ConnectivityProgramme, Pack
from inventory.models import Donor
from loans.models import LoanPolicy
from organizations.models import Funder, Grant, Membership, OpeningHours, Organization

from .common import Seed, allocate, short_code


def sizes(seed: Seed, options) -> None:
    count = options["organizations"]
    weights = [1 / (i + 1) ** options["skew"] for i in range(count)]
    seed.n_devices = allocate(options["devices"], weights)
    seed.n_participants = allocate(options["participants"], weights)
    seed.n_loans = allocate(options["loans"], weights)
    seed.n_codes = allocate(options["codes"], weights)
    # Open loans: by weight, but never more than the organisation's devices or loans; the rest of
    # the wanted total goes to organisations that still have room.
    opens = [
        min(n, d, loans)
        for n, d, loans in zip(allocate(options["open_loans"], weights), seed.n_devices, seed.n_loans, strict=True)
    ]
    short = options["open_loans"] - sum(opens)
    for i in range(count):
        if short <= 0:
            break
        room = min(seed.n_devices[i], seed.n_loans[i]) - opens[i]
        extra = min(room, short)
        opens[i] += extra
        short -= extra
    seed.n_open = opens
    # An organisation without devices or participants lends nothing.
    for i in range(count):
        if not seed.n_devices[i] or not seed.n_participants[i]:
            seed.n_loans[i] = seed.n_open[i] = 0


def small_tables(seed: Seed, options) -> None:
    began = time.monotonic()
    count = options["organizations"]
    seed.orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Scale {i:03d} VZW",
            short_code=short_code(i),
            address=f"Rue de la Scale {i + 1}, 1000 Brussel",
            phone="+3222150000",
            languages="nl,fr,en",
        )
        for i in range(count)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(organization=org, weekday=day, opens=datetime.time(9), closes=datetime.time(16))
        for org in seed.orgs
        for day in range(5)
    )
    password = make_password(None)  # unusable: the benchmarks use API tokens
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"scale-{org.short_code.lower()}-staff", password=password) for org in seed.orgs
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization=org, role="staff") for user, org in zip(users, seed.orgs, strict=True)
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
        for i, org in enumerate(seed.orgs)
        for k in range(2)
    )
    seed.grants = {org.id: [g.id for g in grants if g.organization_id == org.id] for org in seed.orgs}
    donors = Donor.objects.bulk_create(
        Donor(organization=org, name=f"Scale donor {k + 1}") for org in seed.orgs for k in range(3)
    )
    seed.donors = {org.id: [d.id for d in donors if d.organization_id == org.id] for org in seed.orgs}
    policies = LoanPolicy.objects.bulk_create(
        policy
        for org in seed.orgs
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
    seed.policies = {org.id: [p for p in policies if p.organization_id == org.id] for org in seed.orgs}
    programme, _created = ConnectivityProgramme.objects.get_or_create(
        name="Scale Essential Internet", defaults={"provider": "Telenet", "recheck_interval_months": 6}
    )
    seed.programme = programme
    seed.packs = [
        Pack.objects.get_or_create(
            programme=programme, name=name, defaults={"monthly_price": price, "connection_type": kind}
        )[0].id
        for name, price, kind in (("FIVE", 5, "mobile"), ("TEN", 10, "fixed"))
    ]
    batches = CodeBatch.objects.bulk_create(
        CodeBatch(
            organization=org,
            programme=programme,
            grant_id=seed.grants[org.id][0] if k == 0 else None,
            reference=f"scale-{org.short_code}-{k + 1}.csv",
        )
        for org in seed.orgs
        for k in range(2)
    )
    seed.batches = {org.id: [b.id for b in batches if b.organization_id == org.id] for org in seed.orgs}
    seed.step(f"{count} organisations, users, {len(funders)} funders, grants, donors, policies, batches", began)
