"""SMS wordings at the desk (/desk/messages/): an organisation's administrator edits each SMS per language;
an unknown placeholder such as {dat} is refused, named; a text of three SMS is warned and kept only when
confirmed; reset; the history; the live preview with the organisation's data; the next message uses the
text. Staff and another organisation's administrator get 404."""

import pytest
from django.test import Client

from messaging import texts
from messaging.encoding import sms_size
from messaging.models import SmsWording
from messaging.services import sms_queue, wording_preview
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

URL = "/desk/messages/loan_confirmation/fr/"


@pytest.fixture
def admin_desk(admin_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_of_org_a)
    return client


def test_the_list_shows_every_message_in_four_languages(admin_desk, org_a):
    page = admin_desk.get("/desk/messages/").content.decode()
    assert page.count("/desk/messages/loan_confirmation/") == 4
    assert org_a.name in page


def test_a_text_is_saved_with_history_and_the_next_sms_uses_it(
    admin_desk, org_a, admin_of_org_a, django_capture_on_commit_callbacks
):
    body = "{org}: votre appareil est a rendre le {date}. Carte: {link} Tel {phone}"
    assert admin_desk.post(URL, {"organization": org_a.pk, "body": body, "action": "save"}).status_code == 302
    wording = SmsWording.objects.get(organization=org_a, key="loan_confirmation", language="fr")
    assert wording.body == body and wording.updated_by == admin_of_org_a
    person = ParticipantFactory(organization=org_a, preferred_language="fr", sms_consent=True, phone="+32470123456")
    import datetime

    with django_capture_on_commit_callbacks(execute=True):
        message = sms_queue(
            organization=org_a,
            participant=person,
            template="loan_confirmation",
            context={"date": datetime.date(2027, 1, 4), "link": "https://x.example/l/abc"},
            idempotency_key="wording-1",
        )
    assert message.body.startswith(f"{org_a.name}: votre appareil est a rendre le")
    page = admin_desk.get(URL).content.decode()
    assert "votre appareil est a rendre" in page  # in the history too
    assert admin_desk.post(URL, {"organization": org_a.pk, "action": "reset"}).status_code == 302
    assert not SmsWording.objects.filter(organization=org_a).exists()
    assert SmsWording.history.filter(organization_id=org_a.pk).count() == 2  # saved, then reset
    assert texts.TEXTS["loan_confirmation"]["fr"] in admin_desk.get(URL).content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("{org}: rendez-le le {dat}. {link}", "{dat}"),
        ("Rendez-le le {date}. {link}", "{org}"),
        ("{org}: le {date", "not closed"),
        ("", "required"),
    ],
)
def test_a_bad_text_is_refused_next_to_the_field_naming_what_is_wrong(admin_desk, org_a, body, said):
    response = admin_desk.post(URL, {"organization": org_a.pk, "body": body, "action": "save"})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["body"])
    assert said in errors
    assert not SmsWording.objects.exists()


def test_three_segments_are_warned_and_kept_only_when_confirmed(admin_desk, org_a):
    body = "{org}: " + "votre appareil est a rendre le {date}, merci de venir a l'heure. " * 5 + "{link}"
    assert wording_preview(org_a, "loan_confirmation", "fr", body).segments == 3
    warned = admin_desk.post(URL, {"organization": org_a.pk, "body": body, "action": "save"})
    assert warned.status_code == 400 and warned.context["form"].errors["confirm_segments"]
    assert "3 SMS" in warned.content.decode()
    assert not SmsWording.objects.exists()
    ok = admin_desk.post(URL, {"organization": org_a.pk, "body": body, "action": "save", "confirm_segments": "on"})
    assert ok.status_code == 302 and SmsWording.objects.count() == 1


def test_the_live_preview_uses_the_organisations_data(admin_desk, org_a):
    response = admin_desk.get(
        "/desk/messages/loan_reminder.before/nl/preview",
        {"organization": org_a.pk, "body": "{org}: breng het toestel terug op {date}. {phone}"},
    )
    data = response.json()
    assert data["text"].startswith(f"{org_a.name}: breng het toestel terug op")
    assert data["segments"] == 1 and data["encoding"] == "gsm7"
    bad = admin_desk.get(
        "/desk/messages/loan_reminder.before/nl/preview", {"organization": org_a.pk, "body": "{org} {dat}"}
    )
    assert bad.status_code == 400 and "{dat}" in bad.json()["error"]


def test_staff_and_another_organisations_admin_get_404(client, org_a, org_b, staff_of_org_a, admin_of_org_a):
    from tests.factories import MembershipFactory, UserFactory

    client.force_login(staff_of_org_a)
    assert client.get("/desk/messages/").status_code == 404
    assert client.post(URL, {"organization": org_a.pk, "body": "{org}: x", "action": "save"}).status_code == 404
    admin_b = UserFactory(username="admin_b_wordings")
    MembershipFactory(organization=org_b, user=admin_b, role="admin")
    client.force_login(admin_b)
    assert client.get(URL, {"organization": org_a.pk}).status_code == 404
    assert client.post(URL, {"organization": org_a.pk, "body": "{org}: x", "action": "save"}).status_code == 404
    assert not SmsWording.objects.exists()
    assert client.get("/desk/messages/no_such/fr/").status_code == 404


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize("key", list(texts.TEXTS))
def test_every_default_fits_one_segment_with_the_longest_demo_organisation_name(key, language, org_a):
    from organizations.models import Organization

    longest = "Centre Public d'Action Sociale d'Anderlecht (demo)"
    names = [len(name) for name in Organization.objects.values_list("name", flat=True)] + [len(longest)]
    Organization.objects.filter(pk=org_a.pk).update(name="X" * max(names))
    org_a.refresh_from_db()
    preview = wording_preview(org_a, key, language, texts.TEXTS[key][language])
    assert preview.encoding == "gsm7", sms_size(preview.text)
    assert preview.segments == 1, (preview.length, preview.text)
