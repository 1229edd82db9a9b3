import pytest

from organizations.models import Participant
from tests.factories import ParticipantFactory

URL = "/api/v1/participants/"


@pytest.fixture
def client_a(api, staff_of_org_a):
    return api.as_user(staff_of_org_a)


def test_it_accepts_a_belgian_number_in_national_form_and_stores_e164(client_a, org_a):
    response = client_a.post(URL, {"display_name": "Jeanne", "phone": "0470 12 34 56"}, format="json")
    assert response.status_code == 201, response.content
    participant = Participant.objects.get(pk=response.json()["id"])
    assert participant.phone.as_e164 == "+32470123456"
    assert participant.organization == org_a  # left out: the caller's only organisation


def test_it_defaults_the_organisation_only_for_members_of_one(api, org_a, org_b, staff_of_org_a):
    from organizations.models import Membership

    Membership.objects.create(user=staff_of_org_a, organization=org_b, role="staff")
    response = api.as_user(staff_of_org_a).post(URL, {"display_name": "Jeanne"}, format="json")
    assert response.status_code == 400
    assert "organization" in response.json()["fields"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"display_name": "Jeanne", "phone": "12345"}, "phone"),
        ({"display_name": "Jeanne", "preferred_language": "de"}, "preferred_language"),
        ({"display_name": "J" * 81}, "display_name"),
        ({"phone": "0470123456"}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "Jeanne", "age_band": "12-13"}, "age_band"),
        ({"display_name": "Jeanne\x00"}, "display_name"),
    ],
    ids=["bad-phone", "language-not-offered", "name-too-long", "name-missing", "name-blank", "bad-age-band", "nul"],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(client_a, payload, field):
    response = client_a.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"], body
    assert field in body["detail"]
    assert body["code"]
    assert Participant.objects.count() == 0


def test_another_organisations_participant_is_not_found(api, staff_of_org_b, org_a):
    participant = ParticipantFactory(organization=org_a)
    client = api.as_user(staff_of_org_b)
    assert client.get(f"{URL}{participant.pk}/").status_code == 404
    assert client.patch(f"{URL}{participant.pk}/", {"note": "x"}, format="json").status_code == 404
    participant.refresh_from_db()
    assert participant.note == ""


def test_the_organisation_of_a_participant_cannot_be_moved(client_a, org_a, org_b):
    participant = ParticipantFactory(organization=org_a)
    response = client_a.patch(f"{URL}{participant.pk}/", {"organization": org_b.pk}, format="json")
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.organization == org_a


def test_lists_are_paginated_searchable_and_ordered(client_a, org_a):
    for name in ["Zoë", "Ahmed", "Marie"]:
        ParticipantFactory(organization=org_a, display_name=name)
    body = client_a.get(URL, {"ordering": "-display_name", "page_size": 2}).json()
    assert body["count"] == 3
    assert [p["display_name"] for p in body["results"]] == ["Zoë", "Marie"]
    assert body["next"]
    found = client_a.get(URL, {"search": "ahm"}).json()["results"]
    assert [p["display_name"] for p in found] == ["Ahmed"]


def test_page_size_is_capped_at_500(client_a, org_a):
    ParticipantFactory.create_batch(3, organization=org_a)
    response = client_a.get(URL, {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_the_participant_list_issues_the_same_number_of_queries_for_1_and_50_rows(
    client_a, org_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ParticipantFactory(organization=org_a)
    with CaptureQueriesContext(connection) as one:
        client_a.get(URL)
    ParticipantFactory.create_batch(49, organization=org_a)
    with CaptureQueriesContext(connection) as fifty:
        client_a.get(URL)
    assert len(one) == len(fifty)
    assert len(fifty) <= 4


def test_every_change_is_recorded_with_who_and_when(client_a, staff_of_org_a):
    pid = client_a.post(URL, {"display_name": "Jeanne"}, format="json").json()["id"]
    client_a.patch(f"{URL}{pid}/", {"note": "Calls after 14:00"}, format="json")
    client_a.delete(f"{URL}{pid}/")
    history = Participant.history.filter(id=pid).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {staff_of_org_a}
