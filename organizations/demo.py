"""Three demo organisations modelled on the field study (CONTEXT.md), with staff logins and participants."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from .calendar import public_holidays_fill
from .choices import AgeBand, FunderKind, Gender, Role
from .models import Funder, Grant, Membership, OpeningHours, Organization, Participant

ORGANIZATIONS = [
    {
        "key": "daycentre",
        "name": "Dagcentrum Den Teirling (demo)",
        "short_code": "DT",
        "address": "Kasteleinsstraat 10, 1050 Elsene",
        "phone": "+3226400000",
        "hours": [((0, 1, 2, 3, 4), "09:30", "16:00")],
        "hours_note": "",
        "languages": "nl,fr",
        "sms_sender_name": "DenTeirling",
        "logins": [("demo-dt-admin", Role.ADMIN), ("demo-dt-staff", Role.STAFF), ("demo-dt-volunteer", Role.VOLUNTEER)],
        "participants": [
            ("Marc Dubois", "+32470112233", "fr", AgeBand.FROM_45, Gender.MAN),
            ("Hilde Peeters", "+32471223344", "nl", AgeBand.FROM_65, Gender.WOMAN),
            ("Youssef El Amrani", "+32472334455", "ar", AgeBand.FROM_30, Gender.MAN),
            ("Sofie Janssens", "", "nl", AgeBand.FROM_45, Gender.WOMAN),
        ],
    },
    {
        "key": "neighbourhood",
        "name": "Wijkhuis De Schakel (demo)",
        "short_code": "DS",
        "address": "Rue Josaphat 200, 1030 Schaerbeek",
        "phone": "+3222150000",
        "hours": [((0, 1, 3), "09:00", "17:00"), ((2,), "10:00", "12:00")],
        "hours_note": "",
        "languages": "nl,fr,ar",
        "sms_sender_name": "DeSchakel",
        "logins": [("demo-ds-admin", Role.ADMIN), ("demo-ds-staff", Role.STAFF)],
        "participants": [
            ("Fatima Benali", "+32473445566", "ar", AgeBand.FROM_45, Gender.WOMAN),
            ("Jeanne Lambert", "+32474556677", "fr", AgeBand.FROM_65, Gender.WOMAN),
            ("Ana Sousa", "+32475667788", "fr", AgeBand.FROM_30, Gender.WOMAN),
            ("Pieter De Smet", "+32476778899", "nl", AgeBand.FROM_65, Gender.MAN),
        ],
    },
    {
        "key": "adulted",
        "name": "Ligo Brusselleer (demo)",
        "short_code": "LB",
        "address": "Pletinckxstraat 19, 1000 Brussel",
        "phone": "+3225110000",
        "hours": [((0, 1, 2, 3), "09:00", "16:00")],
        "hours_note": "",
        "languages": "nl,fr,en",
        "sms_sender_name": "Ligo",
        "logins": [("demo-lb-admin", Role.ADMIN), ("demo-lb-staff", Role.STAFF)],
        "participants": [
            ("Amina Diallo", "+32477889900", "fr", AgeBand.FROM_30, Gender.WOMAN),
            ("Karim Haddad", "+32478990011", "ar", AgeBand.FROM_18, Gender.MAN),
            ("Grace Mensah", "+32479001122", "en", AgeBand.FROM_30, Gender.WOMAN),
        ],
    },
]


def load(context: dict) -> None:
    User = get_user_model()
    password = context["password"]
    organizations, participants, users = {}, {}, {}
    for spec in ORGANIZATIONS:
        org = Organization.objects.create(
            name=spec["name"],
            short_code=spec["short_code"],
            address=spec["address"],
            phone=spec["phone"],
            hours_note=spec["hours_note"],
            languages=spec["languages"],
            sms_sender_name=spec["sms_sender_name"],
        )
        organizations[spec["key"]] = org
        OpeningHours.objects.bulk_create(
            OpeningHours(
                organization=org,
                weekday=day,
                opens=datetime.time.fromisoformat(opens),
                closes=datetime.time.fromisoformat(closes),
            )
            for days, opens, closes in spec["hours"]
            for day in days
        )
        today = datetime.date.today()
        public_holidays_fill(organization=org, years=[today.year, today.year + 1])
        for username, role in spec["logins"]:
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            Membership.objects.create(user=user, organization=org, role=role)
            users[username] = user
        participants[spec["key"]] = [
            Participant.objects.create(
                organization=org,
                display_name=name,
                phone=phone,
                preferred_language=language,
                sms_consent=bool(phone),
                age_band=age_band,
                gender=gender,
            )
            for name, phone, language, age_band, gender in spec["participants"]
        ]

    foundation = Funder.objects.create(name="Koning Boudewijnstichting (demo)", kind=FunderKind.FOUNDATION)
    region = Funder.objects.create(name="Brussels Hoofdstedelijk Gewest (demo)", kind=FunderKind.PUBLIC)
    funder_user = User.objects.create_user(username="demo-funder", password=password)
    foundation.users.add(funder_user)
    today = datetime.date.today()
    grants = {
        "daycentre": Grant.objects.create(
            organization=organizations["daycentre"],
            funder=foundation,
            name="Nine laptops for members",
            amount=Decimal("4500.00"),
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(year=today.year + 1, month=12, day=31),
        ),
        "neighbourhood": Grant.objects.create(
            organization=organizations["neighbourhood"],
            funder=region,
            name="Sociaal Digitaal",
            amount=Decimal("12000.00"),
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(year=today.year + 1, month=12, day=31),
        ),
        "adulted": Grant.objects.create(
            organization=organizations["adulted"],
            funder=foundation,
            name="Course devices and connectivity",
            amount=Decimal("8000.00"),
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(year=today.year + 1, month=12, day=31),
        ),
    }
    context.update(
        organizations=organizations,
        participants=participants,
        users=users,
        grants=grants,
        funders={"foundation": foundation, "region": region},
    )
