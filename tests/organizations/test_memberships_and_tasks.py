import datetime

import pytest

from organizations.models import Membership, StaffTask
from organizations.services import staff_task_ensure
from tests.factories import ParticipantFactory


def test_the_last_administrator_cannot_be_demoted_or_removed(api, admin_of_org_a, org_a):
    membership = Membership.objects.get(user=admin_of_org_a)
    client = api.as_user(admin_of_org_a)
    demote = client.patch(f"/api/v1/memberships/{membership.pk}/", {"role": "staff"}, format="json")
    assert demote.status_code == 409
    assert demote.json()["code"] == "last_admin" and "role" in demote.json()["fields"]
    assert client.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 409
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_nobody_is_added_by_username_any_more(api, admin_of_org_a, org_a, staff_of_org_a):
    """People join by accepting an invitation (tests/organizations/test_invitations.py)."""
    client = api.as_user(admin_of_org_a)
    response = client.post(
        "/api/v1/memberships/", {"user": "staff_a", "organization": org_a.pk, "role": "volunteer"}, format="json"
    )
    assert response.status_code == 405
    assert Membership.objects.filter(organization=org_a).count() == 2


# Relative to today: a task is data here, its due date is compared with nothing.
DUE_ON = datetime.date.today() + datetime.timedelta(days=14)


@pytest.fixture
def task_a(org_a):
    return staff_task_ensure(
        organization=org_a,
        kind="loan_follow_up",
        key="loan-follow-up:1:first",
        title="Call Marc",
        due_on=DUE_ON,
        participant=ParticipantFactory(organization=org_a),
    )


def test_ensuring_a_task_twice_creates_it_once(task_a, org_a):
    again = staff_task_ensure(
        organization=org_a,
        kind="loan_follow_up",
        key="loan-follow-up:1:first",
        title="Call Marc",
        due_on=DUE_ON,
    )
    assert again.pk == task_a.pk and StaffTask.objects.count() == 1


def test_staff_see_and_complete_their_tasks_once(api, task_a, volunteer_of_org_a):
    client = api.as_user(volunteer_of_org_a)
    listed = client.get("/api/v1/staff-tasks/", {"is_open": "true"}).json()["results"]
    assert [t["title"] for t in listed] == ["Call Marc"]
    done = client.post(f"/api/v1/staff-tasks/{task_a.pk}/complete/", {"outcome": "Reached, returns Friday"})
    assert done.status_code == 200 and done.json()["done_by"] == "volunteer_a"
    again = client.post(f"/api/v1/staff-tasks/{task_a.pk}/complete/", {"outcome": "again"})
    assert again.status_code == 409 and again.json()["code"] == "task_already_done"
    task_a.refresh_from_db()
    assert task_a.outcome == "Reached, returns Friday"
    assert client.get("/api/v1/staff-tasks/", {"is_open": "true"}).json()["results"] == []


def test_another_organisations_task_is_not_found(api, task_a, staff_of_org_b):
    client = api.as_user(staff_of_org_b)
    assert client.get(f"/api/v1/staff-tasks/{task_a.pk}/").status_code == 404
    assert client.post(f"/api/v1/staff-tasks/{task_a.pk}/complete/", {}).status_code == 404
    task_a.refresh_from_db()
    assert task_a.done_at is None


def test_completing_with_an_over_long_outcome_is_refused(api, task_a, staff_of_org_a):
    response = api.as_user(staff_of_org_a).post(f"/api/v1/staff-tasks/{task_a.pk}/complete/", {"outcome": "x" * 2001})
    assert response.status_code == 400 and "outcome" in response.json()["fields"]
    task_a.refresh_from_db()
    assert task_a.done_at is None


def test_tasks_cannot_be_created_or_deleted_through_the_api(api, task_a, admin_of_org_a):
    client = api.as_user(admin_of_org_a)
    assert client.post("/api/v1/staff-tasks/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/staff-tasks/{task_a.pk}/").status_code == 405
