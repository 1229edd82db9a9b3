"""The loan tallies the loan list reads its totals from: kept exact by database triggers through checkouts,
returns, renewals, due-date moves, bulk updates and deletes, and equal to a real COUNT for each list."""

import datetime

import pytest
from django.db.models import Count

from loans import services
from loans.models import Loan, LoanTally
from tests.factories import ParticipantFactory

from .conftest import backdate
from .factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


def _tallies() -> dict:
    return {(t.organization_id, t.status, t.overdue_after): t.loans for t in LoanTally.objects.all() if t.loans}


def _counted() -> dict:
    rows = Loan.objects.values("organization", "status", "overdue_after").annotate(n=Count("id"))
    return {(r["organization"], r["status"], r["overdue_after"]): r["n"] for r in rows}


def test_the_tallies_follow_the_loans_lifecycle(lend, staff_of_org_a, org_b):
    first, second, third = lend(), lend(), lend()
    assert _tallies() == _counted() and sum(_tallies().values()) == 3

    backdate(first, due_days_ago=3)  # a bulk UPDATE moving the due date
    services.loan_renew(loan=Loan.objects.get(pk=second.pk), by=staff_of_org_a)
    services.loan_return(loan=Loan.objects.get(pk=third.pk), by=staff_of_org_a)
    assert _tallies() == _counted()

    Loan.objects.filter(pk=first.pk).update(note="nothing the tallies hold")
    assert _tallies() == _counted()

    policy_b = LoanPolicyFactory(organization=org_b)
    services.loan_checkout(
        organization=org_b,
        participant=ParticipantFactory(organization=org_b),
        policy=policy_b,
        devices=[DeviceFactory(organization=org_b)],
        by=None,
    )
    assert _tallies() == _counted()
    Loan.objects.filter(pk=third.pk).delete()
    assert _tallies() == _counted()
    assert {status for (_org, status, _due) in _tallies()} == {"active"}


def test_each_tallied_list_total_equals_the_rows(api, lend, staff_of_org_a, org_b):
    loans = [lend() for _ in range(5)]
    backdate(loans[0], due_days_ago=2)
    backdate(loans[1], due_days_ago=0)  # due today: not overdue yet
    services.loan_return(loan=Loan.objects.get(pk=loans[2].pk), by=staff_of_org_a)
    client = api.as_user(staff_of_org_a)

    for query, expected in {
        "": 5,
        "?page_size=2&ordering=-due_on": 5,
        "?status=active": 4,
        "?status=returned": 1,
        "?status=lost": 0,
        "?open=true": 4,
        "?overdue=true": 1,
        "?overdue=false": 4,  # counted: not a tallied shape
        "?overdue=true&status=active": 1,
    }.items():
        response = client.get(f"/api/v1/loans/{query}")
        assert response.status_code == 200, (query, response.data)
        assert response.data["count"] == expected, query


def test_overdue_turns_with_the_calendar(api, lend, staff_of_org_a, time_machine):
    loan = lend(due_on=services.today() + datetime.timedelta(days=2))
    client = api.as_user(staff_of_org_a)
    assert client.get("/api/v1/loans/?overdue=true").data["count"] == 0
    time_machine.move_to(datetime.datetime.combine(loan.due_on + datetime.timedelta(days=1), datetime.time(12)))
    assert client.get("/api/v1/loans/?overdue=true").data["count"] == 1


def test_an_unknown_status_is_a_400_naming_the_field(api, lend, staff_of_org_a):
    lend()
    response = api.as_user(staff_of_org_a).get("/api/v1/loans/?status=borrowed")
    assert response.status_code == 400
    assert "status" in response.data["fields"]
    assert LoanTally.objects.filter(status="borrowed").count() == 0


def test_the_tallied_total_is_scoped_to_the_callers_organisations(
    lend, staff_of_org_a, org_a, org_b, loan_of_org_b, django_assert_num_queries
):
    """selectors.loan_total_for_user sums the tallies in one raw query: it must count exactly what
    scope_to_user shows, for one organisation, two, every one (a superuser) and none."""
    from django.db.models import Sum

    from loans.selectors import loan_total_for_user
    from organizations.selectors import scope_to_user
    from tests.factories import MembershipFactory, UserFactory

    backdate(lend(), due_days_ago=4)
    lend()
    services.loan_return(loan=lend(), by=staff_of_org_a)
    of_both = MembershipFactory(organization=org_b, user=MembershipFactory(organization=org_a).user).user
    superuser = UserFactory(is_superuser=True)
    on = services.today()
    expected_for = {staff_of_org_a: (3, 2, 1, 1), of_both: (4, 3, 1, 1), superuser: (4, 3, 1, 1)}
    for user, expected in expected_for.items():
        asked = [{}, {"status": "active"}, {"status": "returned"}, {"status": "active", "due_before": on}]
        totals = [loan_total_for_user(user, **kwargs) for kwargs in asked]
        assert totals == list(expected), user
        for kwargs, total in zip(asked, totals, strict=True):
            tallies = scope_to_user(LoanTally.objects.all(), user)
            if "status" in kwargs:
                tallies = tallies.filter(status=kwargs["status"])
            if "due_before" in kwargs:
                tallies = tallies.filter(overdue_after__lt=on)
            assert total == (tallies.aggregate(n=Sum("loans"))["n"] or 0)

    of_none = UserFactory()
    with django_assert_num_queries(1):  # their (no) memberships; no sum
        assert loan_total_for_user(of_none, status="active") == 0
