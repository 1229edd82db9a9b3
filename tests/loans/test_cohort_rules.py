"""The service rules of courses: devices held ahead for a course, the cap on open loans per person, and
lending to a whole course at once (loans.services.cohorts)."""

import datetime

import pytest

from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from loans import services
from loans.models import CohortMember, CohortReservation, Loan
from tests.factories import ParticipantFactory

from .factories import CohortFactory, DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def later_course(org_a):
    """A course starting in two weeks that holds two tablets."""
    start = services.today() + datetime.timedelta(days=14)
    return CohortFactory(
        organization=org_a, name="Tablets for seniors", starts_on=start, ends_on=start + datetime.timedelta(days=30)
    )


@pytest.fixture
def course_policy(org_a):
    return LoanPolicyFactory(
        organization=org_a, name="Course tablet", period_kind="cohort", period_days=None, max_renewals=0
    )


def _tablets(org, n, prefix="TB"):
    return [DeviceFactory(organization=org, kind=DeviceKind.TABLET, asset_tag=f"{prefix}-{i}") for i in range(n)]


def _hold(course, quantity, by):
    return services.cohort_reservation_create(cohort=course, device_kind=DeviceKind.TABLET, quantity=quantity, by=by)


def test_it_refuses_an_outside_checkout_that_eats_into_a_hold(lend, later_course, org_a, staff_of_org_a):
    tablets = _tablets(org_a, 3)
    _hold(later_course, 2, staff_of_org_a)
    lend(devices=[tablets[0]])  # 3 available, 2 held: one may go
    with pytest.raises(DomainError) as refused:
        lend(devices=[tablets[1]], participant=ParticipantFactory(organization=org_a))
    assert refused.value.code == "device_held" and refused.value.status_code == 409
    assert "Tablets for seniors" in refused.value.message
    assert Loan.objects.count() == 1
    assert Device.objects.get(pk=tablets[1].pk).status == DeviceStatus.AVAILABLE  # rolled back


def test_a_hold_does_not_touch_other_kinds(lend, later_course, org_a, staff_of_org_a):
    _tablets(org_a, 1)
    _hold(later_course, 1, staff_of_org_a)
    assert lend(devices=[DeviceFactory(organization=org_a, kind=DeviceKind.LAPTOP)])


def test_the_course_uses_its_own_hold(later_course, course_policy, org_a, staff_of_org_a):
    tablets = _tablets(org_a, 2)
    _hold(later_course, 2, staff_of_org_a)
    people = [ParticipantFactory(organization=org_a) for _ in range(2)]
    for person in people:
        services.cohort_member_add(cohort=later_course, participant=person)
    loans = services.cohort_checkout(
        cohort=later_course,
        policy=course_policy,
        rows=[services.GroupRow(p, d) for p, d in zip(people, tablets, strict=True)],
        by=staff_of_org_a,
    )
    assert len(loans) == 2
    reservation = CohortReservation.objects.get()
    assert services.reservation_needs([reservation]) == {reservation.pk: 0}  # the hold is used up


def test_a_released_or_ended_hold_holds_nothing(lend, later_course, org_a, staff_of_org_a):
    tablets = _tablets(org_a, 2)
    reservation = _hold(later_course, 2, staff_of_org_a)
    services.cohort_reservation_release(reservation=reservation, by=staff_of_org_a)
    assert lend(devices=[tablets[0]])
    ended = CohortFactory(
        organization=org_a,
        starts_on=services.today() - datetime.timedelta(days=30),
        ends_on=services.today() - datetime.timedelta(days=1),
    )
    CohortReservation.objects.create(organization=org_a, cohort=ended, device_kind=DeviceKind.TABLET, quantity=5)
    assert lend(devices=[tablets[1]], participant=ParticipantFactory(organization=org_a))


def test_two_checkouts_cannot_both_pass_the_hold(lend, later_course, org_a, staff_of_org_a):
    """One tablet is free beyond the hold; two desks each try to lend one. On PostgreSQL the reservation rows
    are locked (SELECT ... FOR UPDATE) before the count, so the second waits and counts after the first's
    claim; on SQLite the writing transaction locks the database. Sequential here (SQLite in tests): what
    matters is that the count is made after the device claims, so the second sees the first's."""
    tablets = _tablets(org_a, 3)
    _hold(later_course, 2, staff_of_org_a)
    first = lend(devices=[tablets[0]])
    with pytest.raises(DomainError) as refused:
        lend(devices=[tablets[1]], participant=ParticipantFactory(organization=org_a))
    assert refused.value.code == "device_held"
    assert list(Loan.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_second_open_hold_of_a_kind_is_refused(later_course, staff_of_org_a):
    _hold(later_course, 2, staff_of_org_a)
    with pytest.raises(DomainError) as refused:
        _hold(later_course, 3, staff_of_org_a)
    assert "device_kind" in refused.value.fields
    assert CohortReservation.objects.count() == 1


def test_a_hold_needs_a_kind_and_a_quantity(later_course, staff_of_org_a):
    with pytest.raises(DomainError) as refused:
        services.cohort_reservation_create(cohort=later_course, device_kind="", quantity=2, by=staff_of_org_a)
    assert "device_kind" in refused.value.fields
    with pytest.raises(DomainError) as refused:
        _hold(later_course, 0, staff_of_org_a)
    assert "quantity" in refused.value.fields
    assert CohortReservation.objects.count() == 0


# --- the cap -------------------------------------------------------------------------------------


def test_the_cap_refuses_one_loan_too_many(lend, org_a, participant_a):
    capped = LoanPolicyFactory(organization=org_a, name="One each", max_open_loans_per_person=1)
    lend(policy=capped)
    with pytest.raises(DomainError) as refused:
        lend(policy=capped)
    assert refused.value.code == "loan_cap" and refused.value.status_code == 409
    assert "participant" in refused.value.fields and "at most 1" in refused.value.message
    assert Loan.objects.count() == 1
    assert lend(policy=capped, participant=ParticipantFactory(organization=org_a))  # per person
    assert lend()  # another policy has no cap


def test_a_returned_loan_frees_the_cap(lend, org_a, staff_of_org_a):
    capped = LoanPolicyFactory(organization=org_a, max_open_loans_per_person=1)
    loan = lend(policy=capped)
    services.loan_return(loan=loan, by=staff_of_org_a)
    assert lend(policy=capped)


# --- a whole course ------------------------------------------------------------------------------


def test_group_checkout_is_all_or_nothing(later_course, course_policy, org_a, staff_of_org_a):
    tablets = _tablets(org_a, 3)
    people = [ParticipantFactory(organization=org_a) for _ in range(3)]
    for person in people:
        services.cohort_member_add(cohort=later_course, participant=person)
    Device.objects.filter(pk=tablets[2].pk).update(status=DeviceStatus.IN_REPAIR)
    with pytest.raises(services.GroupError) as refused:
        services.cohort_checkout(
            cohort=later_course,
            policy=course_policy,
            rows=[services.GroupRow(p, d) for p, d in zip(people, tablets, strict=True)],
            by=staff_of_org_a,
        )
    assert refused.value.row == 2 and refused.value.code == "device_not_available"
    assert Loan.objects.count() == 0
    assert Device.objects.filter(status=DeviceStatus.AVAILABLE).count() == 2


def test_group_checkout_refuses_a_device_on_two_rows_and_an_outsider(
    later_course, course_policy, org_a, staff_of_org_a
):
    tablet = _tablets(org_a, 1)[0]
    member, outsider = ParticipantFactory(organization=org_a), ParticipantFactory(organization=org_a)
    services.cohort_member_add(cohort=later_course, participant=member)
    with pytest.raises(services.GroupError) as refused:
        services.cohort_checkout(
            cohort=later_course,
            policy=course_policy,
            rows=[services.GroupRow(member, tablet), services.GroupRow(outsider, tablet)],
            by=staff_of_org_a,
        )
    assert refused.value.row == 1 and "device" in refused.value.fields
    with pytest.raises(services.GroupError) as refused:
        services.cohort_checkout(
            cohort=later_course, policy=course_policy, rows=[services.GroupRow(outsider, tablet)], by=staff_of_org_a
        )
    assert "participant" in refused.value.fields
    assert Loan.objects.count() == 0


def test_a_member_of_another_organisation_is_refused(later_course, org_b):
    with pytest.raises(DomainError):
        services.cohort_member_add(cohort=later_course, participant=ParticipantFactory(organization=org_b))
    assert CohortMember.objects.count() == 0
