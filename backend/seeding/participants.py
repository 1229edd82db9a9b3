"""Participants in bulk: most with a Belgian mobile number and SMS consent."""

import time

from organizations.models import Participant

from .common import Seed, next_id, weighted

FIRST_NAMES = [
    "Amina", "Youssef", "Fatima", "Mohamed", "Sofia", "Lucas", "Emma", "Noah", "Sara", "Adam", "Lina", "Rayan",
    "Nora", "Jan", "Marie", "Pieter", "Aya", "Omar", "Ines", "Hugo", "Hanna", "Bilal", "Leila", "Tom",
]  # fmt: skip
LANGUAGES = [("nl", 35), ("fr", 40), ("en", 10), ("ar", 15)]
AGE_BANDS = ["", "18-29", "30-44", "45-64", "65+"]
GENDERS = ["", "woman", "man", "woman", "other"]


def participants(seed: Seed) -> None:
    began = time.monotonic()
    rng, ts, first = seed.rng, seed.writer.timestamp, next_id(Participant)
    languages = weighted(LANGUAGES)
    seed.participant_ranges = []
    names = [
        "id", "organization", "display_name", "phone", "preferred_language", "sms_consent", "reference", "note",
        "age_band", "gender", "is_active", "anonymised_at", "created_at", "updated_at",
    ]  # fmt: skip
    now = ts(seed.now)

    def rows():
        pid = first
        for org, count in zip(seed.orgs, seed.n_participants, strict=True):
            seed.participant_ranges.append((pid, count))
            for _n in range(count):
                phone = "" if rng.random() < 0.05 else f"+3247{(pid * 7919) % 10_000_000:07d}"
                yield (
                    pid, org.id, f"{rng.choice(FIRST_NAMES)} {chr(65 + pid % 26)}.", phone, rng.choice(languages),
                    rng.random() < 0.8, "", "", rng.choice(AGE_BANDS), rng.choice(GENDERS), True, None, now, now,
                )  # fmt: skip
                pid += 1

    count = seed.writer.write(Participant, names, rows())
    seed.step(f"{count} participants", began)
