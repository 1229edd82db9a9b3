"""The SMS log API: scoped per organisation, filters, explicit resend, monthly counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.choices import MessageStatus
from messaging.models import OutboundMessage
from organizations.choices import Role
from tests.factories import MembershipFactory, ParticipantFactory, UserFactory

from .factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/sms/messages/"


def test_staff_see_their_organisations_messages_only(api, org_a, org_b, staff_of_org_a):
    mine = OutboundMessageFactory(organization=org_a)
    OutboundMessageFactory(organization=org_b)
    response = api.as_user(staff_of_org_a).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_staff_of_another_organisation_get_404(api, org_a, staff_of_org_b):
    message = OutboundMessageFactory(organization=org_a, status=MessageStatus.FAILED)
    client = api.as_user(staff_of_org_b)
    assert client.get(f"{URL}{message.pk}/").status_code == 404
    assert client.post(f"{URL}{message.pk}/resend/", {"reason": "x"}).status_code == 404
    assert OutboundMessage.objects.count() == 1


def test_anonymous_and_funders_see_nothing(api, org_a, funder_user):
    OutboundMessageFactory(organization=org_a)
    assert api.as_user(None).get(URL).status_code in (401, 403)
    assert api.as_user(funder_user).get(URL).status_code == 403


def test_it_filters_the_log(api, org_a, staff_of_org_a):
    failed = OutboundMessageFactory(organization=org_a, status=MessageStatus.FAILED, template="code_delivery")
    OutboundMessageFactory(organization=org_a, status=MessageStatus.SENT)
    client = api.as_user(staff_of_org_a)
    assert [r["id"] for r in client.get(URL, {"status": "failed"}).json()["results"]] == [failed.pk]
    assert [r["id"] for r in client.get(URL, {"template": "code_delivery"}).json()["results"]] == [failed.pk]
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_staff_resend_a_failed_message_with_a_new_key_who_and_why(api, org_a, staff_of_org_a, outbox):
    participant = ParticipantFactory(organization=org_a)
    failed = OutboundMessageFactory(
        organization=org_a, participant=participant, status=MessageStatus.FAILED, idempotency_key="confirm:7"
    )
    response = api.as_user(staff_of_org_a).post(f"{URL}{failed.pk}/resend/", {"reason": "Checked the number by phone"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["resend_of"] == failed.pk
    assert body["requested_by"] == "staff_a"
    assert body["request_reason"] == "Checked the number by phone"
    assert body["idempotency_key"] == "confirm:7:resend1"
    copy = OutboundMessage.objects.get(pk=body["id"])
    assert copy.body == failed.body
    assert copy.status == MessageStatus.QUEUED


def test_it_refuses_a_resend_without_a_reason_and_writes_nothing(api, org_a, staff_of_org_a):
    failed = OutboundMessageFactory(organization=org_a, status=MessageStatus.FAILED)
    for payload in ({}, {"reason": "   "}, {"reason": "x" * 201}):
        response = api.as_user(staff_of_org_a).post(f"{URL}{failed.pk}/resend/", payload)
        assert response.status_code == 400
        assert "reason" in response.json()["fields"]
    assert OutboundMessage.objects.count() == 1


def test_it_refuses_to_resend_a_message_that_was_sent(api, org_a, staff_of_org_a):
    sent = OutboundMessageFactory(organization=org_a, status=MessageStatus.SENT)
    response = api.as_user(staff_of_org_a).post(f"{URL}{sent.pk}/resend/", {"reason": "again"})
    assert response.status_code == 409
    assert response.json()["code"] == "message_not_resendable"
    assert OutboundMessage.objects.count() == 1


def test_the_log_is_read_only(api, org_a, admin_of_org_a):
    message = OutboundMessageFactory(organization=org_a)
    client = api.as_user(admin_of_org_a)
    assert client.delete(f"{URL}{message.pk}/").status_code == 405
    assert client.post(URL, {"body": "x"}).status_code == 405


def test_monthly_counts_per_organisation(api, org_a, org_b, staff_of_org_a):
    OutboundMessageFactory.create_batch(3, organization=org_a, segments=2)
    OutboundMessageFactory(organization=org_a, status=MessageStatus.CANCELLED, blocked_reason="no_consent")
    OutboundMessageFactory(organization=org_b)
    rows = api.as_user(staff_of_org_a).get(f"{URL}monthly/").json()
    assert len(rows) == 1
    assert (rows[0]["organization"], rows[0]["messages"], rows[0]["segments"]) == (org_a.pk, 3, 6)


def test_opt_outs_are_listed_per_organisation(api, org_a, staff_of_org_b):
    from messaging.models import SmsOptOut

    participant = ParticipantFactory(organization=org_a)
    opt_out = SmsOptOut.objects.create(
        organization=org_a, participant=participant, phone=participant.phone, channel="sms_keyword", keyword="STOP"
    )
    assert api.as_user(staff_of_org_b).get(f"/api/v1/sms/opt-outs/{opt_out.pk}/").status_code == 404


@pytest.mark.parametrize("url", [URL, "/api/v1/sms/opt-outs/"])
def test_list_query_count_does_not_grow_with_rows(api, org_a, url):
    from messaging.models import SmsOptOut

    user = UserFactory(username="counter")
    MembershipFactory(user=user, organization=org_a, role=Role.STAFF)
    client = api.as_user(user)

    def make(n):
        for _ in range(n):
            message = OutboundMessageFactory(organization=org_a, requested_by=user)
            SmsOptOut.objects.create(
                organization=org_a, participant=message.participant, phone=message.to, channel="staff"
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make(1)
    count()  # warm up: the caller's roles are cached on the user after the first request
    one = count()
    make(49)
    assert count() == one
