"""Loans in bulk, one item each, written in chunks: the open ones hold the devices left `on_loan`, about a
fifth of them overdue; the closed ones any device of their organisation."""

import datetime
import secrets
import time

from loans.models import Loan, LoanItem

from .common import CHUNK, UTC, Seed, next_id, weighted

CLOSED_STATUSES = [("returned", 90), ("given", 5), ("lost", 3), ("written_off", 2)]


def loans(seed: Seed) -> None:
    began = time.monotonic()
    rng, ts, date, today = seed.rng, seed.writer.timestamp, seed.writer.date, seed.today
    closed_statuses = weighted(CLOSED_STATUSES)
    loan_id, item_id = next_id(Loan), next_id(LoanItem)
    loan_names = [
        "id", "organization", "participant", "policy", "cohort", "status", "started_on", "due_on", "closed_at",
        "max_renewals", "renewal_days", "renewal_mode", "renewals_count", "fee_amount", "fee_period",
        "deposit_amount", "grace_days", "reminder_offsets", "follow_up_after_days", "wipe_on_return",
        "public_token", "token_revoked_at", "checked_out_by", "checked_in_by", "note", "agreement_required",
        "agreement_signed_at", "agreement_signature", "created_at", "updated_at",
    ]  # fmt: skip
    item_names = [
        "id", "loan", "device", "accessories", "closed_at", "return_condition", "accessories_returned",
        "checked_in_by",
    ]  # fmt: skip
    loans_buffer, items_buffer = [], []
    written = 0

    def flush():
        nonlocal loans_buffer, items_buffer, written
        written += seed.writer.write(Loan, loan_names, loans_buffer)
        seed.writer.write(LoanItem, item_names, items_buffer)
        loans_buffer, items_buffer = [], []

    for index, org in enumerate(seed.orgs):
        (p_first, p_count), (d_first, d_count) = seed.participant_ranges[index], seed.device_ranges[index]
        lent, policies = seed.on_loan[index], seed.policies[org.id]
        for n in range(seed.n_loans[index]):
            policy = policies[0] if rng.random() < 0.8 else policies[1]
            is_open = n < len(lent)
            if is_open:
                if rng.random() < 0.2:
                    due = today - datetime.timedelta(days=rng.randint(1, 60))
                else:
                    due = today + datetime.timedelta(days=rng.randint(0, 28))
                started = min(due - datetime.timedelta(days=policy.period_days), today)
                status, closed_at, device = "active", None, lent[n]
            else:
                started = today - datetime.timedelta(days=rng.randint(30, 1095))
                due = started + datetime.timedelta(days=policy.period_days)
                days = rng.randint(3, min(60, (today - started).days))
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
                    None,
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
                    seed.step(f"{written} loans", began)
    flush()
    seed.step(f"{written} loans with one item each", began)
