"""SMS wordings through the API and the back office (#20 item 4): the same checks as the desk, an
administrator's only, another organisation's 404; DELETE goes back to the default and the history stays."""

import pytest

from messaging import texts
from messaging.models import SmsWording
from messaging.services.outbound import organization_wordings

pytestmark = pytest.mark.django_db
URL = "/api/v1/sms/wordings/"
BODY = "{org}: rendez le {device} le {date} svp. {phone}"


def _post(api, user, **data):
    return api.as_user(user).post(URL, {"key": "waitlist_offer", "language": "fr", "body": BODY, **data}, format="json")


def test_an_administrator_saves_a_wording_and_the_sms_uses_it(api, org_a, admin_of_org_a):
    response = _post(api, admin_of_org_a, organization=org_a.pk)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["body"] == BODY and data["segments"] == 1 and data["encoding"] == "gsm7"
    wording = organization_wordings([org_a.pk], key="waitlist_offer", language="fr")
    assert wording[(org_a.pk, "waitlist_offer", "fr")] == BODY
    # Saving again replaces the text of the same row, and the history keeps both.
    again = _post(api, admin_of_org_a, body="{org}: votre {device} est prêt, avant le {date}. {phone}")
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert SmsWording.objects.get(pk=data["id"]).history.count() == 2


def test_an_unknown_placeholder_is_a_400_naming_it_and_nothing_is_saved(api, admin_of_org_a):
    response = _post(api, admin_of_org_a, body="{org}: rendez-le le {dat}. {phone}")
    assert response.status_code == 400
    assert "{dat}" in response.json()["fields"]["body"][0]
    assert not SmsWording.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"key": "no_such_message"}, "key"),
        ({"language": "de"}, "language"),
        ({"body": ""}, "body"),
        ({"body": "Rendez le {device}. {org}"}, "body"),  # the organisation's name must come first
    ],
)
def test_bad_input_names_its_field(api, admin_of_org_a, data, field):
    response = _post(api, admin_of_org_a, **data)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not SmsWording.objects.exists()


def test_a_text_of_three_sms_needs_confirming(api, admin_of_org_a):
    long = "{org}: " + "rendez le materiel svp " * 18 + "{date} {phone}"
    refused = _post(api, admin_of_org_a, body=long)
    assert refused.status_code == 400 and "confirm_segments" in refused.json()["fields"]
    assert not SmsWording.objects.exists()
    accepted = _post(api, admin_of_org_a, body=long, confirm_segments=True)
    assert accepted.status_code == 201 and accepted.json()["segments"] == 3


def test_only_an_administrator_changes_wordings(api, staff_of_org_a, volunteer_of_org_a):
    for user in (staff_of_org_a, volunteer_of_org_a):
        assert _post(api, user).status_code in (400, 403)
    assert not SmsWording.objects.exists()
    assert api.as_user(staff_of_org_a).get(URL).status_code == 200  # members read them


def test_another_organisations_wording_is_404_and_its_id_cannot_be_written(api, org_a, admin_of_org_a, admin_of_org_b):
    wording = _post(api, admin_of_org_a).json()
    other = api.as_user(admin_of_org_b)
    assert other.get(f"{URL}{wording['id']}/").status_code == 404
    assert other.patch(f"{URL}{wording['id']}/", {"body": BODY}, format="json").status_code == 404
    assert other.delete(f"{URL}{wording['id']}/").status_code == 404
    assert wording["id"] not in [row["id"] for row in other.get(URL).json()["results"]]
    response = _post(api, admin_of_org_b, organization=org_a.pk)
    assert response.status_code == 400 and "organization" in response.json()["fields"]


def test_delete_goes_back_to_the_default_and_keeps_the_history(api, org_a, admin_of_org_a):
    wording = _post(api, admin_of_org_a).json()
    assert api.as_user(admin_of_org_a).delete(f"{URL}{wording['id']}/").status_code == 204
    assert not SmsWording.objects.filter(pk=wording["id"]).exists()
    assert SmsWording.history.filter(id=wording["id"]).count() == 2  # saved, then reset
    assert organization_wordings([org_a.pk], key="waitlist_offer", language="fr") == {}


def test_the_preview_renders_with_the_organisations_data(api, org_a, admin_of_org_a):
    response = api.as_user(admin_of_org_a).post(
        f"{URL}preview/", {"key": "waitlist_offer", "language": "fr", "body": BODY}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["text"].startswith(org_a.name) and response.json()["segments"] == 1
    bad = api.as_user(admin_of_org_a).post(
        f"{URL}preview/", {"key": "waitlist_offer", "language": "fr", "body": "{org} {dat}"}, format="json"
    )
    assert bad.status_code == 400 and "{dat}" in bad.json()["fields"]["body"][0]


def test_the_defaults_list_every_message_in_every_language(api, staff_of_org_a):
    rows = api.as_user(staff_of_org_a).get(f"{URL}defaults/").json()
    assert {(row["key"], row["language"]) for row in rows} == {
        (key, language) for key in texts.TEXTS for language in texts.SUPPORTED_LANGUAGES
    }
    assert all("org" in row["placeholders"] for row in rows)


def test_the_back_office_refuses_an_unknown_placeholder(client, org_a, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/messaging/smswording/add/",
        {"organization": org_a.pk, "key": "waitlist_offer", "language": "fr", "body": "{org} {dat}"},
    )
    assert response.status_code == 200 and "{dat}" in response.content.decode()
    assert not SmsWording.objects.exists()
    response = client.post(
        "/admin/messaging/smswording/add/",
        {"organization": org_a.pk, "key": "waitlist_offer", "language": "fr", "body": BODY},
    )
    assert response.status_code == 302
    assert SmsWording.objects.get().updated_by == superuser
