"""Internet codes in bulk: held codes (assigned, activated) go to distinct participants of their organisation."""

import datetime
import time

from connectivity.models import EligibilityCode

from .common import UTC, Seed, next_id, weighted

CODE_STATUSES = [("available", 50), ("assigned", 20), ("activated", 20), ("expired", 8), ("revoked", 2)]
BASES = ["course_participant", "cpas_client", "increased_reimbursement", "social_tariff"]


def codes(seed: Seed) -> None:
    began = time.monotonic()
    rng, ts, date = seed.rng, seed.writer.timestamp, seed.writer.date
    statuses = weighted(CODE_STATUSES)
    first = next_id(EligibilityCode)
    names = [
        "id", "organization", "batch", "programme", "pack", "code", "expires_on", "status", "status_changed_at",
        "participant", "eligibility_basis", "household_ref", "household_exclusive", "assigned_at", "assigned_by",
        "activated_on", "recheck_on", "revoked_reason", "modem", "modem_handover", "created_at",
    ]  # fmt: skip
    now = ts(seed.now)
    expires = date(seed.today + datetime.timedelta(days=365))

    def rows():
        cid = first
        for index, org in enumerate(seed.orgs):
            p_first, p_count = seed.participant_ranges[index]
            wanted = [rng.choice(statuses) for _n in range(seed.n_codes[index])]
            held = sum(1 for s in wanted if s in ("assigned", "activated"))
            holders = iter(rng.sample(range(p_first, p_first + p_count), min(held, p_count)))
            batches = seed.batches[org.id]
            for status in wanted:
                participant = basis = assigned_at = activated_on = recheck_on = None
                if status in ("assigned", "activated"):
                    participant = next(holders, None)
                    if participant is None:  # more held codes than participants: keep it in stock
                        status = "available"
                if participant is not None:
                    basis = rng.choice(BASES)
                    assigned = seed.today - datetime.timedelta(days=rng.randint(1, 300))
                    assigned_at = ts(datetime.datetime.combine(assigned, datetime.time(10), tzinfo=UTC))
                    activated_on = date(assigned + datetime.timedelta(days=3)) if status == "activated" else None
                    recheck_on = date(assigned + datetime.timedelta(days=182))
                yield (
                    cid, org.id, batches[cid % 2], seed.programme.id, seed.packs[cid % 2], f"SC{cid:010d}",
                    expires, status, now, participant, basis or "", "", False, assigned_at, None, activated_on,
                    recheck_on, "returned to provider" if status == "revoked" else "", None, "", now,
                )  # fmt: skip
                cid += 1

    count = seed.writer.write(EligibilityCode, names, rows())
    seed.step(f"{count} internet codes", began)
