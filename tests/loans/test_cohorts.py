import datetime

import pytest

from loans.models import Loan

from .factories import CohortFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(org_a):
    return CohortFactory(organization=org_a, name="Tablet initiation")


@pytest.fixture
def course_policy(org_a):
    return LoanPolicyFactory(organization=org_a, period_kind="cohort", period_days=None, max_renewals=0)


def test_moving_the_course_end_moves_open_loans_and_records_it(api, staff_of_org_a, lend, course, course_policy):
    open_loan = lend(policy=course_policy, cohort=course)
    closed_loan = lend(policy=course_policy, cohort=course)
    api.as_user(staff_of_org_a).post(f"/api/v1/loans/{closed_loan.pk}/return/")
    new_end = course.ends_on + datetime.timedelta(days=14)
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/cohorts/{course.pk}/", {"ends_on": new_end.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["ends_on"] == new_end.isoformat()
    open_loan.refresh_from_db()
    closed_loan.refresh_from_db()
    assert open_loan.due_on == new_end
    assert closed_loan.due_on == course.ends_on
    latest = Loan.history.filter(id=open_loan.pk).latest("history_date")
    assert "course end moved" in latest.history_change_reason


def test_an_end_before_the_start_is_refused(api, staff_of_org_a, course):
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/cohorts/{course.pk}/", {"ends_on": "2000-01-01"}, format="json"
    )
    assert response.status_code == 400 and "ends_on" in response.data["fields"]
