"""The record of processing: a desk page and an API listing each personal field, why, who and how long."""

import pytest

from organizations.models import Participant
from privacy.models import RetentionRule
from privacy.processing import FIELDS

pytestmark = pytest.mark.django_db

NOT_PERSONAL = {"id", "organization"}


def test_every_participant_field_is_in_the_record():
    listed = set()
    for model, names, *_rest in FIELDS:
        if model == "participant":
            listed |= {name.strip() for name in names.split(",")}
    fields = {f.name for f in Participant._meta.concrete_fields} - NOT_PERSONAL
    assert fields <= listed, f"describe {fields - listed} in privacy/processing.py"


def test_the_desk_page_lists_each_field_for_members(client, org_a, volunteer_of_org_a):
    RetentionRule.objects.create(organization=org_a, months=18)
    client.force_login(volunteer_of_org_a)
    response = client.get("/desk/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("mobile phone", "SMS consent and its history", "Who can see it", "How long", "18 months"):
        assert text in page, text
    assert page.count("<tr>") == len(FIELDS) + 1


def test_the_desk_page_speaks_dutch_and_french(client, volunteer_of_org_a):
    client.force_login(volunteer_of_org_a)
    client.cookies["django_language"] = "fr"
    assert "Données personnelles que nous conservons" in client.get("/desk/privacy/").content.decode()
    client.cookies["django_language"] = "nl"
    assert "Persoonsgegevens die we bewaren" in client.get("/desk/privacy/").content.decode()


def test_the_desk_page_needs_a_login(client):
    response = client.get("/desk/privacy/")
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_the_api_gives_the_same_record(api, staff_of_org_a, funder_user):
    response = api.as_user(staff_of_org_a).get("/api/v1/privacy/processing/")
    assert response.status_code == 200
    assert len(response.json()["fields"]) == len(FIELDS)
    assert {"what", "why", "who_can_see", "how_long"} <= set(response.json()["fields"][0])
    assert api.as_user(None).get("/api/v1/privacy/processing/").status_code == 401
    assert api.as_user(funder_user).get("/api/v1/privacy/processing/").status_code == 403


def test_the_admin_shows_the_privacy_records(client, superuser, build_record):
    from privacy import services

    person = build_record()
    services.participant_erase(participant=person, by=superuser)
    client.force_login(superuser)
    for path in (
        "/admin/privacy/anonymisation/",
        "/admin/privacy/consentrecord/",
        "/admin/privacy/privacylogentry/",
        "/admin/privacy/retentionrule/",
        "/admin/privacy/retentionrule/add/",
    ):
        assert client.get(path).status_code == 200, path


def test_the_admin_sets_retention_through_the_log_and_only_where_the_user_is_admin(client, org_a, org_b):
    from organizations.models import Membership
    from privacy.models import PrivacyLogEntry, RetentionRule
    from tests.factories import UserFactory

    user = UserFactory(username="admin_a_staff_b", is_staff=True)
    Membership.objects.create(user=user, organization=org_a, role="admin")
    Membership.objects.create(user=user, organization=org_b, role="staff")
    client.force_login(user)
    url = "/admin/privacy/retentionrule/add/"
    response = client.post(url, {"organization": org_b.pk, "months": 6})
    assert response.status_code == 200 and b"organization" in response.content  # the form again, with an error
    assert not RetentionRule.objects.exists() and not PrivacyLogEntry.objects.exists()
    response = client.post(url, {"organization": org_a.pk, "months": 6})
    assert response.status_code == 302
    assert RetentionRule.objects.get(organization=org_a).months == 6
    entry = PrivacyLogEntry.objects.get()
    assert (entry.action, entry.by, entry.detail) == ("retention_change", user, {"from": 24, "to": 6})
