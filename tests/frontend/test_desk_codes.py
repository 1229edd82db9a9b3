"""Internet codes at the desk (/desk/participants/<id>/codes/new, /desk/codes/<id>/): the next code of a pack
given with the household rule checked, the modem handed over in the same step, the letter or the SMS, the
activation, revoking with a reason, revealing (logged, in the code's history). Bad input is refused next to
its field with nothing written; another organisation's participant and code are 404."""

import pytest
from django.test import Client

from connectivity.choices import CodeStatus
from connectivity.models import CodeRevealLog, EligibilityCode
from inventory.choices import DeviceStatus
from messaging.models import OutboundMessage
from tests.connectivity.factories import CodeBatchFactory, EligibilityCodeFactory, ModemFactory, PackFactory
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


@pytest.fixture
def stock(org_a):
    """Three codes of a modem-less pack (one per household), the soonest-expiring first to go."""
    import datetime

    batch = CodeBatchFactory(organization=org_a)
    pack = PackFactory(programme=batch.programme, name="Essential 20 GB", modem_included=False)
    later = EligibilityCodeFactory(batch=batch, pack=pack, expires_on=datetime.date(2099, 12, 31))
    sooner = EligibilityCodeFactory(batch=batch, pack=pack, expires_on=datetime.date(2098, 1, 1))
    EligibilityCodeFactory(batch=batch, pack=pack, expires_on=datetime.date(2099, 6, 30))
    return {"batch": batch, "pack": pack, "sooner": sooner, "later": later}


@pytest.fixture
def person(org_a):
    return ParticipantFactory(organization=org_a, display_name="Fatima", sms_consent=True, phone="+32470123456")


def _give(desk, person, pack, **extra):
    data = {"pack": pack.pk, "eligibility_basis": "cpas_client", "household_ref": "Rue Haute 12", "delivery": "letter"}
    data.update(extra)
    return desk.post(f"/desk/participants/{person.pk}/codes/new", data)


def test_the_next_code_is_given_and_its_letter_printed(desk, person, stock, staff_of_org_a):
    page = desk.get(f"/desk/participants/{person.pk}/").content.decode()
    assert "Give an internet code" in page
    form = desk.get(f"/desk/participants/{person.pk}/codes/new").content.decode()
    assert "Essential 20 GB (3 left)" in form
    response = _give(desk, person, stock["pack"])
    assert response.status_code == 302
    code = EligibilityCode.objects.get(participant=person)
    assert code.pk == stock["sooner"].pk  # the one expiring first
    assert code.status == CodeStatus.ASSIGNED and code.assigned_by == staff_of_org_a
    page = desk.get(response["Location"]).content.decode()
    assert code.masked_code in page and code.code not in page  # masked until shown
    letter = desk.get(f"/desk/codes/{code.pk}/letter.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert CodeRevealLog.objects.filter(code=code, purpose="letter", by=staff_of_org_a).count() == 1


def test_a_second_code_for_the_same_household_is_refused_next_to_its_field(desk, person, stock, org_a):
    _give(desk, person, stock["pack"])
    neighbour = ParticipantFactory(organization=org_a)
    response = _give(desk, neighbour, stock["pack"], household_ref="rue haute 12")
    assert response.status_code == 400
    assert response.context["form"].errors["household_ref"]
    assert not EligibilityCode.objects.filter(participant=neighbour).exists()
    again = desk.get(f"/desk/participants/{person.pk}/codes/new").content.decode()
    assert "already holds a code" in again  # said before the form is filled


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"eligibility_basis": ""}, "eligibility_basis"),
        ({"household_ref": ""}, "household_ref"),  # one per household: name it
        ({"household_ref": "85.07.30-033.61"}, "household_ref"),  # never a national register number
        ({"modem": "NO-SUCH"}, "modem"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_given(desk, person, stock, extra, field):
    response = _give(desk, person, stock["pack"], **extra)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not EligibilityCode.objects.filter(participant=person).exists()


def test_the_modem_is_handed_over_in_the_same_step(desk, person, org_a):
    batch = CodeBatchFactory(organization=org_a)
    pack = PackFactory(programme=batch.programme, name="Mobile + modem", modem_included=True)
    EligibilityCodeFactory(batch=batch, pack=pack)
    modem = ModemFactory(organization=org_a, asset_tag="MD-0042")
    refused = _give(desk, person, pack)  # the pack has a modem: it must be scanned
    assert refused.status_code == 400 and refused.context["form"].errors["modem"]
    assert _give(desk, person, pack, modem="md-0042").status_code == 302
    modem.refresh_from_db()
    code = EligibilityCode.objects.get(participant=person)
    assert modem.status == DeviceStatus.GIVEN_AWAY and code.modem == modem


def test_the_code_goes_by_sms_only_with_consent(desk, person, stock, org_a, django_capture_on_commit_callbacks):
    silent = ParticipantFactory(organization=org_a, sms_consent=False)
    refused = _give(desk, silent, stock["pack"], delivery="sms", household_ref="Rue Basse 1")
    assert refused.status_code == 400 and refused.context["form"].errors["delivery"]
    assert not EligibilityCode.objects.filter(participant=silent).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _give(desk, person, stock["pack"], delivery="sms").status_code == 302
    assert OutboundMessage.objects.filter(participant=person, template="code_delivery").count() == 1


def test_reveal_activate_and_revoke_with_a_reason_from_the_codes_page(desk, person, stock, staff_of_org_a):
    _give(desk, person, stock["pack"])
    code = EligibilityCode.objects.get(participant=person)
    shown = desk.post(f"/desk/codes/{code.pk}/reveal")
    assert code.code in shown.content.decode()
    reveal = CodeRevealLog.objects.get(code=code, purpose="reveal")
    assert reveal.by == staff_of_org_a
    page = desk.get(f"/desk/codes/{code.pk}/").content.decode()
    assert "code shown in clear to staff_a" in page and code.code not in page
    desk.post(f"/desk/codes/{code.pk}/activate")
    code.refresh_from_db()
    assert code.status == CodeStatus.ACTIVATED
    no_reason = desk.post(f"/desk/codes/{code.pk}/revoke", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.context["revoke_form"].errors["reason"]
    code.refresh_from_db()
    assert code.status == CodeStatus.ACTIVATED
    desk.post(f"/desk/codes/{code.pk}/revoke", {"reason": "Moved out of Brussels"})
    code.refresh_from_db()
    assert code.status == CodeStatus.REVOKED and code.revoked_reason == "Moved out of Brussels"


def test_a_volunteer_cannot_print_the_letter(client, person, stock, volunteer_of_org_a, desk):
    """The role table's export row: the code letter is for staff and admins."""
    _give(desk, person, stock["pack"])
    code = EligibilityCode.objects.get(participant=person)
    client.force_login(volunteer_of_org_a)
    assert client.get(f"/desk/codes/{code.pk}/letter.pdf").status_code == 404
    assert not CodeRevealLog.objects.filter(code=code, purpose="letter").exists()


def test_another_organisations_participant_and_code_are_404(client, person, stock, staff_of_org_b, desk):
    _give(desk, person, stock["pack"])
    code = EligibilityCode.objects.get(participant=person)
    client.force_login(staff_of_org_b)
    assert client.get(f"/desk/participants/{person.pk}/codes/new").status_code == 404
    assert client.get(f"/desk/codes/{code.pk}/").status_code == 404
    assert client.get(f"/desk/codes/{code.pk}/letter.pdf").status_code == 404
    assert client.post(f"/desk/codes/{code.pk}/reveal").status_code == 404
    assert client.post(f"/desk/codes/{code.pk}/revoke", {"reason": "x"}).status_code == 404
    code.refresh_from_db()
    assert code.status == CodeStatus.ASSIGNED
    assert not CodeRevealLog.objects.filter(code=code, purpose="reveal").exists()


def test_another_organisations_pack_stock_is_not_offered(desk, person, org_b):
    batch = CodeBatchFactory(organization=org_b)
    pack = PackFactory(programme=batch.programme, name="Pack of B", modem_included=False)
    EligibilityCodeFactory(batch=batch, pack=pack)
    form = desk.get(f"/desk/participants/{person.pk}/codes/new").content.decode()
    assert "Pack of B" not in form
    response = _give(desk, person, pack)
    assert response.status_code == 400 and response.context["form"].errors["pack"]


def test_a_volunteer_gives_a_code_but_does_not_see_or_send_it_in_clear(client, person, stock, volunteer_of_org_a):
    client.force_login(volunteer_of_org_a)
    assert _give_as(client, person, stock["pack"]).status_code == 302
    code = EligibilityCode.objects.get(participant=person)
    assert "Show the code" not in client.get(f"/desk/codes/{code.pk}/").content.decode()
    assert client.post(f"/desk/codes/{code.pk}/reveal").status_code == 404
    assert client.post(f"/desk/codes/{code.pk}/sms").status_code == 404
    assert not CodeRevealLog.objects.filter(code=code).exists()
    refused = _give_as(
        client,
        ParticipantFactory(organization=person.organization, sms_consent=True, phone="+32470000001"),
        stock["pack"],
        delivery="sms",
        household_ref="Rue Neuve 3",
    )
    assert refused.status_code == 400 and refused.context["form"].errors["delivery"]


def _give_as(client, person, pack, **extra):
    return _give(client, person, pack, **extra)


# --- the stock and a provider's batch ------------------------------------------------------------------


def _csv(*lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("codes.csv", ("code,pack,expiry\n" + "\n".join(lines) + "\n").encode(), "text/csv")


def test_a_batch_is_checked_line_by_line_then_imported_all_or_nothing(desk, org_a, stock):
    programme = stock["batch"].programme
    before = EligibilityCode.objects.count()
    bad = desk.post(
        "/desk/codes/",
        {
            "organization": org_a.pk,
            "programme": programme.pk,
            "file": _csv(
                "NEWCODE-0001,Essential 20 GB,2099-12-31",
                "NEWCODE-0001,Essential 20 GB,2099-12-31",
                "NEWCODE-0002,No such pack,2099-12-31",
            ),
            "commit": "on",
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Line 3:" in page and "also on line 2" in page and "Line 4:" in page
    assert bad.context["form"].errors["file"]
    assert EligibilityCode.objects.count() == before  # nothing of it
    dry = desk.post(
        "/desk/codes/",
        {"organization": org_a.pk, "programme": programme.pk, "file": _csv("NEWCODE-0001,Essential 20 GB,2099-12-31")},
    )
    assert dry.status_code == 200 and "1 code is correct" in dry.content.decode()
    assert EligibilityCode.objects.count() == before
    done = desk.post(
        "/desk/codes/",
        {
            "organization": org_a.pk,
            "programme": programme.pk,
            "file": _csv("NEWCODE-0001,Essential 20 GB,2099-12-31"),
            "commit": "on",
        },
    )
    assert done.status_code == 302
    assert EligibilityCode.objects.filter(code="NEWCODE-0001", organization=org_a).count() == 1
    page = desk.get("/desk/codes/").content.decode()
    assert "Essential 20 GB" in page


def test_the_stock_shows_only_the_users_organisations(desk, org_b, stock):
    batch = CodeBatchFactory(organization=org_b)
    EligibilityCodeFactory(batch=batch, pack=PackFactory(programme=batch.programme, name="Stock of B"))
    page = desk.get("/desk/codes/").content.decode()
    assert "Essential 20 GB" in page and "Stock of B" not in page
