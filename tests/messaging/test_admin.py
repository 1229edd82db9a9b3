"""The back office: the SMS log renders, is scoped per organisation, and resends by action."""

import pytest

from messaging.choices import MessageStatus
from messaging.models import OutboundMessage

from .factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db
LIST = "/admin/messaging/outboundmessage/"


@pytest.fixture
def staff_client(client, staff_of_org_a):
    staff_of_org_a.is_staff = True
    staff_of_org_a.save()
    client.force_login(staff_of_org_a)
    return client


def test_staff_see_their_organisations_log_only(staff_client, org_a, org_b):
    mine = OutboundMessageFactory(organization=org_a, body="Message of A")
    other = OutboundMessageFactory(organization=org_b, body="Message of B")
    response = staff_client.get(LIST)
    assert response.status_code == 200
    assert staff_client.get(f"{LIST}{mine.pk}/change/").status_code == 200
    assert staff_client.get(f"{LIST}{other.pk}/change/").status_code in (302, 403, 404)
    assert staff_client.get(LIST, {"status__exact": "sent", "q": "Message"}).status_code == 200


def test_the_resend_action_queues_a_copy(staff_client, org_a, staff_of_org_a):
    failed = OutboundMessageFactory(organization=org_a, status=MessageStatus.FAILED)
    response = staff_client.post(LIST, {"action": "resend_selected", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    copy = OutboundMessage.objects.get(resend_of=failed)
    assert copy.requested_by == staff_of_org_a
    assert copy.request_reason


def test_the_opt_out_and_sending_hours_pages_render(staff_client):
    assert staff_client.get("/admin/messaging/smsoptout/").status_code == 200
    assert staff_client.get("/admin/messaging/sendinghours/").status_code == 200
