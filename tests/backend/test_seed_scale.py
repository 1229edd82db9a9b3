"""seed_scale with tiny sizes: exact counts, and data the benchmarks can trust (the same code path as the
default sizes: COPY on PostgreSQL, executemany on SQLite)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from connectivity.models import EligibilityCode
from inventory.models import Device
from loans.models import Loan, LoanItem
from messaging.models import OutboundMessage
from messaging.services import reminders_create_due
from organizations.models import Funder, Membership, Organization, Participant

SIZES = {"organizations": 4, "devices": 120, "participants": 150, "loans": 600, "open_loans": 60, "codes": 80}


def seed(**overrides):
    out = io.StringIO()
    call_command("seed_scale", **{**SIZES, **overrides}, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def test_it_seeds_the_exact_sizes_asked(seeded):
    assert Organization.objects.filter(name__startswith="Scale ").count() == 4
    assert Device.objects.count() == 120
    assert Participant.objects.count() == 150
    assert Loan.objects.count() == 600
    assert LoanItem.objects.count() == 600
    assert Loan.objects.open().count() == 60
    assert EligibilityCode.objects.count() == 80
    assert Membership.objects.filter(user__username__startswith="scale-", role="staff").count() == 4
    assert "Largest organisation: Scale 000 VZW (SAA)" in seeded


def test_the_first_organisation_is_the_largest(seeded):
    sizes = list(Organization.objects.order_by("name").annotate(n=Count("devices")).values_list("n", flat=True))
    assert sizes[0] == max(sizes) and sizes[0] > sizes[-1]


def test_a_device_is_on_loan_exactly_when_it_is_in_one_open_loan(seeded):
    open_items = LoanItem.objects.filter(loan__status="active")
    assert open_items.filter(closed_at__isnull=False).count() == 0
    assert not open_items.exclude(device__status="on_loan").exists()
    on_loan = Device.objects.filter(status="on_loan")
    assert on_loan.count() == open_items.count() == 60
    per_device = on_loan.annotate(n=Count("loan_items", filter=Q(loan_items__closed_at__isnull=True)))
    assert set(per_device.values_list("n", flat=True)) == {1}
    assert not LoanItem.objects.exclude(loan__status="active").filter(closed_at__isnull=True).exists()


def test_loans_stay_inside_their_organisation(seeded):
    loans = Loan.objects.all()
    assert not loans.exclude(participant__organization=F("organization")).exists()
    assert not loans.exclude(policy__organization=F("organization")).exists()
    assert not LoanItem.objects.exclude(device__organization=F("loan__organization")).exists()
    assert not loans.filter(due_on__lt=F("started_on")).exists()


def test_ids_continue_after_the_seed(seeded):
    participant = Participant.objects.create(organization=Organization.objects.first(), display_name="New")
    assert participant.id == Participant.objects.order_by("-id").values_list("id", flat=True)[1] + 1


def test_some_open_loans_are_overdue_and_some_due_soon(seeded):
    from loans.services import today

    open_loans = Loan.objects.open()
    assert open_loans.filter(due_on__lt=today()).exists()
    assert open_loans.filter(due_on__gte=today()).exists()


def test_the_reminder_scan_finds_consenting_participants_with_due_loans(db, settings):
    seed(loans=3000, open_loans=110, devices=120)
    settings.SMS_SENDING_HOURS = ("00:00", "23:59:59")
    created = reminders_create_due()
    assert created > 0
    assert OutboundMessage.objects.filter(status="queued", template="loan_reminder").exists()


def test_the_first_funder_has_a_user_and_grants_with_devices(seeded):
    funder = Funder.objects.get(name="Scale funder 00")
    assert funder.users.filter(username="scale-funder").exists()
    assert Device.objects.filter(grant__funder=funder).exists()


def test_held_codes_belong_to_distinct_participants_of_their_organisation(seeded):
    held = EligibilityCode.objects.held()
    assert held.exists()
    assert held.values("participant").distinct().count() == held.count()
    assert not held.exclude(participant__organization=F("organization")).exists()


def test_a_second_seed_on_the_same_database_is_refused(seeded):
    with pytest.raises(CommandError, match="already holds seed_scale data"):
        seed()
    assert Device.objects.count() == 120


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"open_loans": 200, "loans": 300}, "--open-loans cannot exceed --devices"),
        ({"open_loans": 700}, "--open-loans cannot exceed --loans"),
        ({"organizations": 0}, "--organizations must be positive"),
        ({"devices": -1}, "--devices must be positive"),
    ],
)
def test_it_refuses_bad_sizes_and_writes_nothing(db, overrides, message):
    with pytest.raises(CommandError, match=message):
        seed(**overrides)
    assert not Organization.objects.exists()
    assert not Device.objects.exists()
