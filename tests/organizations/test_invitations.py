"""Memberships by invitation: an administrator invites an e-mail address, the person accepts from the link.

No username is looked up for the inviter (no oracle), and nobody is enrolled without accepting. The clock
is fixed with time_machine wherever expiry matters, so no test depends on the day it runs.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from organizations.models import Invitation, Membership
from organizations.services import INVITATION_VALID_DAYS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
LINK = re.compile(r"http\S+/invitations/([\w-]+)/")


@pytest.fixture
def invite(api, admin_of_org_a, org_a, django_capture_on_commit_callbacks):
    """POST an invitation as A's administrator, the e-mail sent; returns (response, token from the e-mail)."""

    def send(email="nadia@example.org", role="staff"):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.as_user(admin_of_org_a).post(
                "/api/v1/invitations/", {"email": email, "role": role, "organization": org_a.pk}, format="json"
            )
        sent = mail.outbox[before:]
        token = LINK.search(sent[-1].body).group(1) if sent else None
        return response, token

    return send


def test_an_invitation_is_e_mailed_with_its_link_and_the_token_is_not_stored(invite, org_a, settings):
    with time_machine.travel(NOON, tick=False):
        response, token = invite()
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "nadia@example.org" and body["role"] == "staff" and body["status"] == "pending"
    assert "token" not in str(body).lower().replace("token_hash", "")
    message = mail.outbox[-1]
    assert message.to == ["nadia@example.org"] and "Org A" in message.subject
    assert f"{settings.SITE_URL}/invitations/{token}/" in message.body
    invitation = Invitation.objects.get()
    assert token not in (invitation.token_hash, "") and len(token) >= 40  # only a hash is kept
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=INVITATION_VALID_DAYS)


def test_the_person_accepts_and_becomes_a_member_with_the_role_once(api, invite, org_a):
    _response, token = invite(role="volunteer")
    nadia = UserFactory(username="nadia")  # the account's e-mail need not be the invited address
    client = api.as_user(nadia)
    accepted = client.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["organization"] == org_a.pk and accepted.json()["role"] == "volunteer"
    membership = Membership.objects.get(user=nadia, organization=org_a)
    assert membership.role == "volunteer"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == nadia and invitation.accepted_at is not None
    # a second accept does nothing
    again = client.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    assert again.status_code == 200 and again.json()["membership"] == membership.pk
    assert Membership.objects.filter(user=nadia).count() == 1
    # someone else with the same link is refused
    other = api.as_user(UserFactory(username="someone")).post("/api/v1/invitations/accept/", {"token": token})
    assert other.status_code == 409 and other.json()["code"] == "invitation_used"
    assert not Membership.objects.filter(user__username="someone").exists()


def test_the_answer_is_the_same_for_an_existing_and_an_unknown_address(invite, staff_of_org_b):
    staff_of_org_b.email = "known@example.org"
    staff_of_org_b.save(update_fields=["email"])
    known, _token = invite(email="known@example.org")
    unknown, _token = invite(email="unknown@example.org")
    assert known.status_code == unknown.status_code == 201

    def shape(body):
        return {k: v for k, v in body.items() if k not in ("id", "email", "created_at", "expires_at")}

    assert shape(known.json()) == shape(unknown.json())
    assert len(mail.outbox) == 2  # both addresses get the same e-mail; nobody is enrolled
    assert not Membership.objects.filter(user=staff_of_org_b, organization__name="Org A").exists()


def test_a_username_cannot_be_probed_through_memberships(api, admin_of_org_a, org_a, staff_of_org_b):
    client = api.as_user(admin_of_org_a)
    existing = client.post(
        "/api/v1/memberships/", {"user": "staff_b", "organization": org_a.pk, "role": "staff"}, format="json"
    )
    unknown = client.post(
        "/api/v1/memberships/", {"user": "nobody-at-all", "organization": org_a.pk, "role": "staff"}, format="json"
    )
    assert existing.status_code == unknown.status_code == 405
    assert existing.json() == unknown.json()
    assert not Membership.objects.filter(user=staff_of_org_b, organization=org_a).exists()


def test_another_organisations_invitation_is_not_found(api, invite, admin_of_org_b):
    invite()
    invitation = Invitation.objects.get()
    client = api.as_user(admin_of_org_b)
    assert client.get("/api/v1/invitations/").json()["results"] == []
    assert client.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    revoke = client.post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert revoke.status_code == 404 and revoke.json()["code"] == "not_found"
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["staff_of_org_a", "volunteer_of_org_a"])
def test_staff_and_volunteers_cannot_invite_or_read_invitations(api, request, invite, org_a, who):
    invite()
    user = request.getfixturevalue(who)
    client = api.as_user(user)
    response = client.post(
        "/api/v1/invitations/", {"email": "x@example.org", "role": "admin", "organization": org_a.pk}, format="json"
    )
    assert response.status_code == 403
    assert client.get("/api/v1/invitations/").status_code == 403
    invitation = Invitation.objects.get()
    assert client.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 403
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke/").status_code == 403
    assert Invitation.objects.count() == 1 and Invitation.objects.get().revoked_at is None


def test_a_revoked_invitation_is_refused(api, invite, admin_of_org_a):
    _response, token = invite()
    invitation = Invitation.objects.get()
    revoked = api.as_user(admin_of_org_a).post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    response = api.as_user(UserFactory(username="nadia")).post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 410 and response.json()["code"] == "invitation_revoked"
    assert not Membership.objects.filter(user__username="nadia").exists()


def test_inviting_the_same_address_again_revokes_the_earlier_link(api, invite):
    _first, old_token = invite()
    _second, new_token = invite()
    nadia = api.as_user(UserFactory(username="nadia"))
    assert nadia.post("/api/v1/invitations/accept/", {"token": old_token}).json()["code"] == "invitation_revoked"
    assert nadia.post("/api/v1/invitations/accept/", {"token": new_token}).status_code == 200


def test_an_expired_invitation_is_refused(api, invite):
    with time_machine.travel(NOON, tick=False):
        _response, token = invite()
    nadia = UserFactory(username="nadia")
    just_before = NOON + datetime.timedelta(days=INVITATION_VALID_DAYS) - datetime.timedelta(seconds=1)
    with time_machine.travel(NOON + datetime.timedelta(days=INVITATION_VALID_DAYS), tick=False):
        response = api.as_user(nadia).post("/api/v1/invitations/accept/", {"token": token})
        assert response.status_code == 410 and response.json()["code"] == "invitation_expired"
        assert Invitation.objects.get().accepted_at is None
    with time_machine.travel(just_before, tick=False):
        assert api.as_user(nadia).post("/api/v1/invitations/accept/", {"token": token}).status_code == 200


def test_an_unknown_token_is_404_and_accepting_needs_a_login(api):
    nadia = UserFactory(username="nadia")
    response = api.as_user(nadia).post("/api/v1/invitations/accept/", {"token": "not-a-real-token"})
    assert response.status_code == 404 and response.json()["code"] == "invitation_not_found"
    assert api.as_user(None).post("/api/v1/invitations/accept/", {"token": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address", "role": "staff"}, "email"),
        ({"email": "nadia@example.org", "role": "king"}, "role"),
        ({"role": "staff"}, "email"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_written(
    api, admin_of_org_a, org_a, data, field, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(admin_of_org_a).post("/api/v1/invitations/", {**data, "organization": org_a.pk})
    assert response.status_code == 400 and field in response.json()["fields"]
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_an_accept_token_must_be_given(api):
    response = api.as_user(UserFactory(username="nadia")).post("/api/v1/invitations/accept/", {}, format="json")
    assert response.status_code == 400 and "token" in response.json()["fields"]


# --- the page the person opens from the e-mail ---------------------------------------------------------


def test_the_accept_page_asks_for_a_login_then_a_confirmation(invite, org_a):
    _response, token = invite(role="staff")
    url = f"/invitations/{token}/"
    browser = Client()
    login = browser.get(url)
    assert login.status_code == 302 and "/desk/login/" in login["Location"] and "next=" in login["Location"]
    nadia = UserFactory(username="nadia")
    browser.force_login(nadia)
    page = browser.get(url)
    assert page.status_code == 200 and "Org A" in page.content.decode()
    assert not Membership.objects.filter(user=nadia).exists()  # opening the page enrols nobody
    done = browser.post(url)
    assert done.status_code == 302 and done["Location"] == "/desk/"
    assert Membership.objects.get(user=nadia, organization=org_a).role == "staff"
    assert browser.get(url).status_code == 200  # accepted: the page says so
    assert browser.post(url).status_code == 302 and Membership.objects.filter(user=nadia).count() == 1


def test_the_accept_page_refuses_a_revoked_an_expired_or_an_unknown_link(api, invite, admin_of_org_a):
    browser = Client()
    browser.force_login(UserFactory(username="nadia"))
    assert browser.get("/invitations/nothing-here/").status_code == 404
    with time_machine.travel(NOON, tick=False):
        _response, expired = invite(email="old@example.org")
    with time_machine.travel(NOON + datetime.timedelta(days=30), tick=False):
        assert browser.post(f"/invitations/{expired}/").status_code == 410
    _response, token = invite()
    invitation = Invitation.objects.get(email="nadia@example.org")
    api.as_user(admin_of_org_a).post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert browser.post(f"/invitations/{token}/").status_code == 410
    assert not Membership.objects.filter(user__username="nadia").exists()


# --- the admin ----------------------------------------------------------------------------------------


def test_in_the_admin_an_organisation_admin_invites_and_cannot_add_a_member(
    admin_of_org_a, org_a, django_capture_on_commit_callbacks
):
    admin_of_org_a.is_staff = True
    admin_of_org_a.save(update_fields=["is_staff"])
    browser = Client()
    browser.force_login(admin_of_org_a)
    assert browser.get("/admin/organizations/membership/add/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/admin/organizations/invitation/add/",
            {"organization": org_a.pk, "email": "nadia@example.org", "role": "volunteer"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin_of_org_a and invitation.role == "volunteer"
    assert LINK.search(mail.outbox[-1].body)
