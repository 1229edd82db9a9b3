"""Demo lending rules, a course and loans in every state for the demo organisations (see CONTEXT.md)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from inventory.choices import DeviceKind, DeviceSource, DeviceStatus
from inventory.models import Device

from . import services
from .choices import FeePeriod, PeriodKind, ReturnCondition
from .models import CentreSession, Cohort, Loan, LoanPolicy


def _devices_for(context: dict, key: str, organization, kind: str, count: int) -> list[Device]:
    """Available devices of one kind: the inventory demo's when it made some, else a few made here."""
    given = context.get("devices")
    if isinstance(given, dict):
        given = given.get(key, [])
    pool = [
        d for d in (given or []) if isinstance(d, Device) and d.organization_id == organization.id and d.kind == kind
    ]
    pool = [d for d in Device.objects.filter(pk__in=[d.pk for d in pool], status=DeviceStatus.AVAILABLE)]
    number = Device.objects.filter(organization=organization).count()
    while len(pool) < count:
        number += 1
        pool.append(
            Device.objects.create(
                organization=organization,
                asset_tag=f"{organization.short_code}-L{number:03d}",
                kind=kind,
                make="Lenovo" if kind == DeviceKind.LAPTOP else "Samsung",
                model="ThinkPad T480" if kind == DeviceKind.LAPTOP else "Galaxy Tab A8",
                serial=f"DEMO-{organization.short_code}-{number:04d}",
                status=DeviceStatus.AVAILABLE,
            )
        )
    return pool[:count]


def _backdate(loan: Loan, *, started_days_ago: int, due_in_days: int) -> None:
    """Demo only: make a loan look as if it started earlier (checkout always starts today)."""
    today = services.today()
    loan.started_on = today - datetime.timedelta(days=started_days_ago)
    loan.due_on = today + datetime.timedelta(days=due_in_days)
    loan.save(update_fields=["started_on", "due_on"])


def _centre_room(organization, people, by) -> None:
    """Den Teirling's laptops mostly used on site: three computers for use in the centre, a month of sessions
    (participants and visitors without a file, recorded as the desk records them), one running now."""
    computers = [
        Device.objects.create(
            organization=organization,
            asset_tag=f"{organization.short_code}-PC{number}",
            kind=DeviceKind.DESKTOP,
            make="Dell",
            model="OptiPlex 7060",
            serial=f"DEMO-{organization.short_code}-PC{number}",
            source=DeviceSource.PURCHASED,  # bought for the computer room: nothing of a donor's to wipe
            status=DeviceStatus.AVAILABLE,
            centre_use=True,
        )
        for number in (1, 2, 3)
    ]
    now = timezone.now()
    length = datetime.timedelta(minutes=organization.session_minutes)
    visitors = [("65+", "woman"), ("45-64", "man"), ("30-44", "woman"), ("", "")]
    for days_ago in range(1, 29):
        day = now - datetime.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for slot in range(3):
            started = day.replace(hour=9 + 2 * slot, minute=30, second=0, microsecond=0)
            person = people[(days_ago + slot) % len(people)] if slot < 2 else None
            age, gender = ("", "") if person else visitors[days_ago % len(visitors)]
            CentreSession.objects.create(
                organization=organization,
                device=computers[slot],
                participant=person,
                visitor_age_band=age,
                visitor_gender=gender,
                started_at=started,
                day=timezone.localdate(started),
                ends_at=started + length,
                ended_at=started + length,
                started_by=by,
            )
    services.centre_session_start(organization=organization, device=computers[0], participant=people[0], by=by)


def load(context: dict) -> None:
    organizations = context["organizations"]
    participants = context["participants"]
    staff = context.get("users", {})
    today = services.today()

    rental = LoanPolicy.objects.create(
        organization=organizations["daycentre"],
        name="Take-home laptop rental",
        device_kind=DeviceKind.LAPTOP,
        period_kind=PeriodKind.DAYS,
        period_days=28,
        max_renewals=2,
        renewal_days=28,
        fee_amount=Decimal("5.00"),
        fee_period=FeePeriod.MONTH,
        deposit_amount=Decimal("20.00"),
        grace_days=3,
        reminder_offsets=[-3, -1, 0, 3, 7],
        follow_up_after_days=10,
        agreement_required=True,
        wipe_on_return=True,
    )
    course_tablet = LoanPolicy.objects.create(
        organization=organizations["neighbourhood"],
        name="Course tablet",
        device_kind=DeviceKind.TABLET,
        period_kind=PeriodKind.COHORT,
        max_renewals=0,
        fee_amount=Decimal("0"),
        deposit_amount=Decimal("0"),
        reminder_offsets=[-3, 0, 3],
        agreement_required=True,
    )
    course_chromebook = LoanPolicy.objects.create(
        organization=organizations["adulted"],
        name="Chromebook for the course",
        device_kind=DeviceKind.CHROMEBOOK,
        period_kind=PeriodKind.DAYS,
        period_days=56,
        max_renewals=1,
        renewal_days=14,
        refuse_renewal_when_waitlist=True,
    )
    course = Cohort.objects.create(
        organization=organizations["neighbourhood"],
        name="Tablet initiation (8 weeks)",
        starts_on=today - datetime.timedelta(weeks=3),
        ends_on=today + datetime.timedelta(weeks=5),
    )

    loans = []
    dt_user = staff.get("demo-dt-staff")
    laptops = _devices_for(context, "daycentre", organizations["daycentre"], DeviceKind.LAPTOP, 4)
    dt_people = participants["daycentre"]
    # open, due tomorrow, overdue (follow-up due), returned
    plans = [(0, 0, 28), (1, 27, 1), (2, 40, -12)]
    for (person, started, due), laptop in zip(plans, laptops, strict=False):
        loan = services.loan_checkout(
            organization=organizations["daycentre"],
            participant=dt_people[person],
            policy=rental,
            devices=[laptop],
            accessories="charger, bag",
            agreement_signed=True,
            by=dt_user,
        )
        _backdate(loan, started_days_ago=started, due_in_days=due)
        services.payment_record(loan=loan, kind="deposit", amount=Decimal("20.00"), by=dt_user)
        loans.append(loan)
    returned = services.loan_checkout(
        organization=organizations["daycentre"],
        participant=dt_people[3],
        policy=rental,
        devices=[laptops[3]],
        agreement_signed=True,
        by=dt_user,
    )
    _backdate(returned, started_days_ago=30, due_in_days=-2)
    returned = services.loan_return(
        loan=returned, by=dt_user, condition=ReturnCondition.GOOD, accessories_returned="charger"
    )
    loans.append(returned)

    ds_user = staff.get("demo-ds-staff")
    tablets = _devices_for(context, "neighbourhood", organizations["neighbourhood"], DeviceKind.TABLET, 3)
    for person, tablet in zip(participants["neighbourhood"], tablets, strict=False):
        loan = services.loan_checkout(
            organization=organizations["neighbourhood"],
            participant=person,
            policy=course_tablet,
            cohort=course,
            devices=[tablet],
            accessories="charger",
            agreement_signed=True,
            by=ds_user,
        )
        loans.append(loan)

    lb_user = staff.get("demo-lb-staff")
    chromebooks = _devices_for(context, "adulted", organizations["adulted"], DeviceKind.CHROMEBOOK, 1)
    loan = services.loan_checkout(
        organization=organizations["adulted"],
        participant=participants["adulted"][0],
        policy=course_chromebook,
        devices=chromebooks,
        agreement_signed=True,
        by=lb_user,
    )
    loans.append(loan)
    services.waitlist_add(
        organization=organizations["adulted"],
        participant=participants["adulted"][1],
        device_kind=DeviceKind.CHROMEBOOK,
        by=lb_user,
    )

    _centre_room(organizations["daycentre"], participants["daycentre"], dt_user)

    context["policies"] = {"rental": rental, "course_tablet": course_tablet, "course_chromebook": course_chromebook}
    context["cohorts"] = {"neighbourhood": course}
    context["loans"] = loans
