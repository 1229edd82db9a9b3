"""The admin is scoped like the API: staff see their organisations' rows only, by role."""

import pytest

from organizations.models import Membership
from tests.factories import ParticipantFactory


@pytest.fixture
def admin_client_for(client):
    def login(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return login


def test_staff_see_only_their_organisations_participants(admin_client_for, staff_of_org_b, org_a, org_b):
    ParticipantFactory(organization=org_a, display_name="Hidden Anna")
    ParticipantFactory(organization=org_b, display_name="Visible Bram")
    page = admin_client_for(staff_of_org_b).get("/admin/organizations/participant/").content.decode()
    assert "Visible Bram" in page and "Hidden Anna" not in page


def test_another_organisations_participant_page_is_not_reachable(admin_client_for, staff_of_org_b, org_a):
    participant = ParticipantFactory(organization=org_a)
    response = admin_client_for(staff_of_org_b).get(f"/admin/organizations/participant/{participant.pk}/change/")
    assert response.status_code == 302  # Django admin redirects to the index for objects you cannot see
    assert response["Location"].startswith("/admin/")


def test_a_volunteer_cannot_delete_in_the_admin(admin_client_for, volunteer_of_org_a, org_a):
    participant = ParticipantFactory(organization=org_a)
    response = admin_client_for(volunteer_of_org_a).post(
        f"/admin/organizations/participant/{participant.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert participant.__class__.objects.filter(pk=participant.pk).exists()


def test_history_is_visible_in_the_admin(admin_client_for, staff_of_org_a, org_a):
    client = admin_client_for(staff_of_org_a)
    participant = ParticipantFactory(organization=org_a, display_name="Lea")
    client.post(
        f"/admin/organizations/participant/{participant.pk}/change/",
        {
            "organization": org_a.pk,
            "display_name": "Lea M.",
            "phone_0": "",
            "phone_1": "",
            "preferred_language": "fr",
            "note": "",
            "reference": "",
            "age_band": "",
            "gender": "",
            "is_active": "on",
        },
    )
    page = client.get(f"/admin/organizations/participant/{participant.pk}/history/").content.decode()
    assert "Lea M." in page or "Changed" in page
    assert "staff_a" in page


def test_only_an_admin_manages_memberships_in_the_admin(admin_client_for, staff_of_org_a, admin_of_org_a):
    membership = Membership.objects.get(user=staff_of_org_a)
    assert (
        admin_client_for(staff_of_org_a).get(f"/admin/organizations/membership/{membership.pk}/change/").status_code
        == 200
    )  # read-only view for staff
    page = admin_client_for(admin_of_org_a).get(f"/admin/organizations/membership/{membership.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
