"""A whole course in one screen (/desk/courses/): lending one device to each person in one submit, all or
nothing, every agreement in one PDF, devices held ahead for a course, the cap on open loans, and taking the
course's devices back."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from loans import services
from loans.models import CardRevealLog, CohortMember, CohortReservation, Loan
from messaging.choices import MessageStatus
from messaging.models import OutboundMessage
from organizations.models import OpeningHours, Participant
from tests.factories import ParticipantFactory
from tests.loans.factories import CohortFactory, DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


def _next_saturday(after_days: int) -> datetime.date:
    day = services.today() + datetime.timedelta(days=after_days)
    return day + datetime.timedelta(days=(5 - day.weekday()) % 7)


@pytest.fixture
def course(org_a):
    """A course that ends on a Saturday, in an organisation open Monday to Friday."""
    for weekday in range(5):
        OpeningHours.objects.create(
            organization=org_a, weekday=weekday, opens=datetime.time(9, 30), closes=datetime.time(16)
        )
    return CohortFactory(organization=org_a, name="Tablet initiation", ends_on=_next_saturday(30))


@pytest.fixture
def course_policy(org_a):
    return LoanPolicyFactory(
        organization=org_a, name="Course tablet", period_kind="cohort", period_days=None, max_renewals=0
    )


@pytest.fixture
def members(course, org_a):
    people = [ParticipantFactory(organization=org_a, display_name=f"Member {i}", sms_consent=i != 2) for i in range(3)]
    for person in people:
        CohortMember.objects.create(organization=org_a, cohort=course, participant=person)
    return people


@pytest.fixture
def tablets(org_a):
    return [DeviceFactory(organization=org_a, kind=DeviceKind.TABLET, asset_tag=f"TAB-{i}") for i in range(4)]


@pytest.fixture
def desk(client, staff_of_org_a):
    client.force_login(staff_of_org_a)
    return client


def _rows(people, tags, policy, **extra):
    data = {"policy": policy.pk if policy else ""}
    for person, tag in zip(people, tags, strict=True):
        data[f"device_{person.pk}"] = tag
    data.update(extra)
    return data


def _url(course, page=""):
    return f"/desk/courses/{course.pk}/{page}"


def test_a_whole_course_is_lent_in_one_submit(
    desk, course, course_policy, members, tablets, django_capture_on_commit_callbacks
):
    scanned = f"https://lend.example/s/{tablets[1].label_code}"  # a scanned label works as well as a tag
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(_url(course, "checkout/"), _rows(members, ["TAB-0", scanned, "tab-2"], course_policy))
    assert response.status_code == 302, response.content.decode()[:3000]
    loans = list(Loan.objects.order_by("pk"))
    assert [loan.participant for loan in loans] == members
    monday = course.ends_on + datetime.timedelta(days=2)  # the course ends on a Saturday: due the Monday
    assert {loan.due_on for loan in loans} == {monday}
    assert {loan.cohort_id for loan in loans} == {course.pk}
    consenting = {p.pk for p in members if p.sms_consent}
    confirmations = OutboundMessage.objects.filter(template="loan_confirmation")
    sent_to = set(confirmations.exclude(status=MessageStatus.CANCELLED).values_list("participant_id", flat=True))
    assert sent_to == consenting  # the one without SMS consent gets none

    page = desk.get(response["Location"])
    assert "Print all agreements" in page.content.decode()
    pdf = desk.get(f"{_url(course, 'agreements.pdf')}?loans={','.join(str(loan.pk) for loan in loans)}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    merged = len(PdfReader(io.BytesIO(pdf.content)).pages)
    from loans import documents

    one = len(PdfReader(io.BytesIO(documents.agreement_pdf(loans[0]))).pages)
    assert merged == one * 3
    assert CardRevealLog.objects.filter(where="desk course agreements").count() == 3


def test_new_people_are_added_inline_and_an_empty_row_gets_nothing(desk, course, course_policy, members, tablets):
    data = _rows(members, ["TAB-0", "", ""], course_policy)
    data.update(
        {
            "new0-display_name": "Nadia El Amrani",
            "new0-phone": "+32470112233",
            "new0-preferred_language": "nl",
            "new0-sms_consent": "on",
            "new0-device": "TAB-3",
        }
    )
    response = desk.post(_url(course, "checkout/"), data)
    assert response.status_code == 302
    nadia = Participant.objects.get(display_name="Nadia El Amrani")
    assert CohortMember.objects.filter(cohort=course, participant=nadia).exists()
    assert sorted(Loan.objects.values_list("participant__display_name", flat=True)) == ["Member 0", "Nadia El Amrani"]


@pytest.mark.parametrize(
    "case",
    ["same device twice", "already lent", "other organisation", "unknown tag", "no policy", "new person no name"],
)
def test_bad_input_shows_on_its_row_and_writes_nothing(
    case, desk, course, course_policy, members, tablets, org_b, django_capture_on_commit_callbacks
):
    foreign = DeviceFactory(organization=org_b, kind=DeviceKind.TABLET, asset_tag="ORGB-TAB")
    if case == "already lent":
        Device.objects.filter(pk=tablets[1].pk).update(status=DeviceStatus.ON_LOAN)
    tags = {
        "same device twice": ["TAB-0", "TAB-0", ""],
        "already lent": ["TAB-0", "TAB-1", ""],
        "other organisation": ["TAB-0", foreign.asset_tag, ""],
        "unknown tag": ["TAB-0", "NOPE-99", ""],
        "no policy": ["TAB-0", "TAB-1", ""],
        "new person no name": ["TAB-0", "TAB-1", ""],
    }[case]
    data = _rows(members, tags, None if case == "no policy" else course_policy)
    if case == "new person no name":
        data["new0-device"] = "TAB-2"
    counts = (Loan.objects.count(), Participant.objects.count(), CohortMember.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(_url(course, "checkout/"), data)
    assert response.status_code == 400
    form = response.context["form"]
    if case == "no policy":
        assert "policy" in form.errors
    elif case == "new person no name":
        assert "display_name" in response.context["new_forms"][0].errors
    else:
        assert list(form.errors) == [f"device_{members[1].pk}"], form.errors
    assert form.data[f"device_{members[0].pk}"] == "TAB-0"  # what was typed is kept
    assert (Loan.objects.count(), Participant.objects.count(), CohortMember.objects.count()) == counts
    assert not OutboundMessage.objects.exists()
    assert Device.objects.get(pk=tablets[0].pk).status == DeviceStatus.AVAILABLE


def test_a_new_persons_refused_row_keeps_nothing_of_them(desk, course, course_policy, members, tablets):
    Device.objects.filter(pk=tablets[3].pk).update(status=DeviceStatus.IN_REPAIR)
    data = _rows(members, ["TAB-0", "", ""], course_policy)
    data.update(
        {
            "new0-display_name": "Late Comer",
            "new0-phone": "+32470999888",
            "new0-preferred_language": "fr",
            "new0-device": "TAB-3",
        }
    )
    response = desk.post(_url(course, "checkout/"), data)
    assert response.status_code == 400
    assert "device" in response.context["new_forms"][0].errors
    assert not Participant.objects.filter(display_name="Late Comer").exists() and not Loan.objects.exists()


def test_the_course_policy_is_preselected(desk, course, course_policy, members, org_a):
    LoanPolicyFactory(organization=org_a, name="A days policy")
    response = desk.get(_url(course, "checkout/"))
    assert response.status_code == 200
    assert response.context["form"]["policy"].value() == course_policy.pk


# --- holds and the cap -----------------------------------------------------------------------------


def test_a_hold_refuses_an_outside_checkout_and_serves_its_own_course(
    desk, api, course, course_policy, members, tablets, org_a, staff_of_org_a
):
    later = CohortFactory(
        organization=org_a,
        name="Spring course",
        starts_on=services.today() + datetime.timedelta(days=20),
        ends_on=services.today() + datetime.timedelta(days=60),
    )
    response = desk.post(_url(later, "holds/"), {"device_kind": DeviceKind.TABLET, "quantity": 3})
    assert response.status_code == 302
    assert CohortReservation.objects.get().cohort == later
    # 4 tablets, 3 held for Spring: the first course gets one, the second row is refused
    response = desk.post(_url(course, "checkout/"), _rows(members, ["TAB-0", "TAB-1", ""], course_policy))
    assert response.status_code == 400
    assert "Spring course" in str(response.context["form"].errors)
    assert not Loan.objects.exists()
    # the API says 409 device_held, naming the course
    outsider = ParticipantFactory(organization=org_a)
    policy = LoanPolicyFactory(organization=org_a)
    api.as_user(staff_of_org_a).post(
        "/api/v1/loans/",
        {"participant": outsider.pk, "policy": policy.pk, "devices": [tablets[0].pk]},
        format="json",
    )
    refused = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/",
        {"participant": ParticipantFactory(organization=org_a).pk, "policy": policy.pk, "devices": [tablets[1].pk]},
        format="json",
    )
    assert refused.status_code == 409 and refused.data["code"] == "device_held"
    assert "Spring course" in refused.data["detail"]
    # Spring's own group checkout uses its hold
    spring = [ParticipantFactory(organization=org_a) for _ in range(3)]
    for person in spring:
        CohortMember.objects.create(organization=org_a, cohort=later, participant=person)
    response = desk.post(_url(later, "checkout/"), _rows(spring, ["TAB-1", "TAB-2", "TAB-3"], course_policy))
    assert response.status_code == 302
    assert Loan.objects.filter(cohort=later).count() == 3


def test_the_cap_holds_at_the_desk_in_the_api_and_in_group_checkout(
    desk, api, course, members, tablets, org_a, staff_of_org_a
):
    capped = LoanPolicyFactory(
        organization=org_a, name="One each", period_kind="cohort", period_days=None, max_open_loans_per_person=1
    )
    services.loan_checkout(
        organization=org_a,
        participant=members[0],
        policy=capped,
        devices=[tablets[0]],
        cohort=course,
        by=staff_of_org_a,
    )
    # the group: a member who already has one under this policy is refused on their row
    other_course = CohortFactory(organization=org_a)
    CohortMember.objects.create(organization=org_a, cohort=other_course, participant=members[0])
    response = desk.post(_url(other_course, "checkout/"), _rows([members[0]], ["TAB-1"], capped))
    assert response.status_code == 400
    assert "at most 1" in str(response.context["form"].errors[f"device_{members[0].pk}"])
    # the API: 409 loan_cap naming the participant
    refused = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/",
        {"participant": members[0].pk, "policy": capped.pk, "devices": [tablets[1].pk], "cohort": course.pk},
        format="json",
    )
    assert refused.status_code == 409 and refused.data["code"] == "loan_cap" and "participant" in refused.data["fields"]
    # the three-step desk checkout
    response = desk.post(
        f"/desk/checkout/policy/?devices={tablets[1].pk}&participant={members[0].pk}",
        {"policy": capped.pk, "cohort": course.pk},
    )
    assert response.status_code == 400 and "at most 1" in response.content.decode()
    assert Loan.objects.count() == 1


# --- return --------------------------------------------------------------------------------------


def test_the_course_devices_come_back_in_one_submit(desk, course, course_policy, members, tablets, staff_of_org_a):
    loans = services.cohort_checkout(
        cohort=course,
        policy=course_policy,
        rows=[services.GroupRow(p, d) for p, d in zip(members, tablets, strict=False)],
        by=staff_of_org_a,
    )
    page = desk.get(_url(course, "return/"))
    assert page.status_code == 200 and "TAB-2" in page.content.decode()
    # an unknown scan: error next to the field, nothing closed
    response = desk.post(_url(course, "return/"), {"loan": [loans[0].pk], "tags": "NOPE-1"})
    assert response.status_code == 400 and "tags" in response.context["form"].errors
    assert Loan.objects.open().count() == 3
    response = desk.post(_url(course, "return/"), {"loan": [loans[0].pk], "tags": f"TAB-1 {tablets[2].label_code}"})
    assert response.status_code == 302
    assert Loan.objects.open().count() == 0
    assert Device.objects.filter(pk__in=[t.pk for t in tablets], status=DeviceStatus.AVAILABLE).count() == 4
    response = desk.post(_url(course, "return/"), {})
    assert response.status_code == 400 and "No device of this course is out" in response.content.decode()


def test_nothing_ticked_is_an_error(desk, course, course_policy, members, tablets, staff_of_org_a):
    services.cohort_checkout(
        cohort=course, policy=course_policy, rows=[services.GroupRow(members[0], tablets[0])], by=staff_of_org_a
    )
    response = desk.post(_url(course, "return/"), {"tags": ""})
    assert response.status_code == 400 and Loan.objects.open().count() == 1


# --- course page: members and holds ----------------------------------------------------------------


def test_members_are_added_and_removed_from_the_course_page(desk, course, org_a, org_b):
    person = ParticipantFactory(organization=org_a, display_name="Sofia Jansen")
    ParticipantFactory(organization=org_b, display_name="Sofia Other")
    response = desk.post(_url(course, "members/"), {"q": "Sofia"})
    assert response.status_code == 302
    assert list(CohortMember.objects.values_list("participant", flat=True)) == [person.pk]
    response = desk.post(_url(course, "members/"), {"q": "Nobody like this"})
    assert response.status_code == 400 and "q" in response.context["member_form"].errors
    assert CohortMember.objects.count() == 1
    desk.post(_url(course, f"members/{person.pk}/remove"))
    assert not CohortMember.objects.exists()


def test_a_bad_hold_is_shown_next_to_its_field(desk, course):
    response = desk.post(_url(course, "holds/"), {"device_kind": DeviceKind.TABLET, "quantity": 0})
    assert response.status_code == 400 and "quantity" in response.context["hold_form"].errors
    response = desk.post(_url(course, "holds/"), {"device_kind": "", "quantity": 2})
    assert response.status_code == 400 and "device_kind" in response.context["hold_form"].errors
    assert not CohortReservation.objects.exists()


def test_a_hold_is_released(desk, course, staff_of_org_a):
    hold = services.cohort_reservation_create(
        cohort=course, device_kind=DeviceKind.TABLET, quantity=2, by=staff_of_org_a
    )
    assert "2 × Tablet" in desk.get(_url(course)).content.decode()
    desk.post(_url(course, f"holds/{hold.pk}/release"))
    hold.refresh_from_db()
    assert hold.released_at is not None


# --- tenancy -------------------------------------------------------------------------------------


def test_another_organisations_course_participant_and_device_are_404(desk, org_b, course, course_policy, members):
    foreign = CohortFactory(organization=org_b)
    foreign_person = ParticipantFactory(organization=org_b)
    CohortMember.objects.create(organization=org_b, cohort=foreign, participant=foreign_person)
    hold = CohortReservation.objects.create(organization=org_b, cohort=foreign, device_kind="tablet", quantity=1)
    for url in ["", "checkout/", "return/", "agreements.pdf", f"holds/{hold.pk}/release"]:
        method = desk.post if url.startswith("holds") else desk.get
        assert method(_url(foreign, url)).status_code == 404, url
    for url in ["members/", "holds/", f"members/{foreign_person.pk}/remove"]:
        assert desk.post(_url(foreign, url), {"q": "x"}).status_code == 404, url
    assert desk.post(_url(course, f"members/{foreign_person.pk}/remove")).status_code == 404
    assert desk.get(f"/desk/courses/?course={foreign.pk}").status_code == 404
    assert foreign.name not in desk.get("/desk/courses/").content.decode()
    assert CohortMember.objects.filter(cohort=foreign).count() == 1
    assert CohortReservation.objects.get(pk=hold.pk).released_at is None


# --- query counts --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_course_pages_do_not_grow_with_members(desk, course, course_policy, org_a, staff_of_org_a):
    def grow(n):
        for _ in range(n):
            person = ParticipantFactory(organization=org_a)
            CohortMember.objects.create(organization=org_a, cohort=course, participant=person)
            device = DeviceFactory(organization=org_a, kind=DeviceKind.TABLET)
            services.cohort_checkout(
                cohort=course, policy=course_policy, rows=[services.GroupRow(person, device)], by=staff_of_org_a
            )
            CohortMember.objects.create(
                organization=org_a, cohort=course, participant=ParticipantFactory(organization=org_a)
            )

    grow(1)
    pages = ["", "checkout/", "return/"]
    few = {page: _queries(desk, _url(course, page)) for page in pages}
    few["list"] = _queries(desk, "/desk/courses/")
    grow(8)
    many = {page: _queries(desk, _url(course, page)) for page in pages}
    many["list"] = _queries(desk, "/desk/courses/")
    assert many == few
    assert few == {"": 9, "checkout/": 11, "return/": 7, "list": 4}, few


def test_a_volunteer_prints_the_course_agreements_as_staff_do(
    client, course, course_policy, members, tablets, staff_of_org_a, volunteer_of_org_a
):
    """The check-out papers row of the role table (tests/organizations/test_documents_by_role.py)."""
    services.cohort_checkout(
        cohort=course,
        rows=[services.GroupRow(participant=members[0], device=tablets[0])],
        policy=course_policy,
        by=staff_of_org_a,
    )
    client.force_login(volunteer_of_org_a)
    pdf = client.get(_url(course, "agreements.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(_url(course, "agreements.pdf") + "?loans=999999").status_code == 404
