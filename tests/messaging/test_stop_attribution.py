"""A STOP belongs to the organisation it answers (issue #25, part 3).

One phone number known to three organisations. Only the organisations that messaged it within the reply
window (14 days) lose consent; the number goes on the installation-wide suppression list so nobody sends
to it; the reply's own words stay with the attributed organisation's staff and admins. START follows the
same attribution and lifts the suppression. Every test runs on a fixed clock (never today's date).
"""

import datetime
import json
import logging

import pytest
import time_machine
from twilio.request_validator import RequestValidator

from messaging import services
from messaging.choices import BlockedReason, MessageStatus
from messaging.models import SmsOptOut, SmsSuppression
from messaging.webhooks import http_signature
from organizations.choices import Role
from privacy.models import ConsentRecord
from tests.factories import MembershipFactory, OrganizationFactory, ParticipantFactory, UserFactory

from .factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db

SITE = "https://lendwise.brussels"
PHONE = "+32470112233"
NOW = datetime.datetime(2026, 12, 2, 13, 0, tzinfo=datetime.UTC)  # 14:00 in Brussels
WINDOW = datetime.timedelta(days=14)
REPLY = "STOP, I moved after my divorce, no more SMS from the social-welfare office"
SECRET_WORDS = ("divorce", "social-welfare", "moved after")


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _twilio_post(api, data, *, path="/api/v1/sms/inbound/twilio/"):
    signature = RequestValidator("twilio-test-token").compute_signature(f"{SITE}{path}", data)
    return api.as_user(None).post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def _http_post(api, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return api.as_user(None).generic(
        "POST",
        "/api/v1/sms/inbound/http/",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=http_signature(body, "http-webhook-secret"),
    )


def _member(org, role, username):
    """A member who may also open the admin (is_staff): the admin scopes by organisation and role."""
    return MembershipFactory(user=UserFactory(username=username, is_staff=True), organization=org, role=role).user


def _sent(org, participant, *, ago: datetime.timedelta, status=MessageStatus.DELIVERED):
    """An SMS of `org` to the number, handed to the provider `ago` before NOW."""
    return OutboundMessageFactory(
        organization=org, participant=participant, to=PHONE, status=status, claimed_at=NOW - ago, sent_at=NOW - ago
    )


@pytest.fixture
def town():
    """Three organisations that each know the number; only A messaged it lately (B did, 20 days ago)."""
    orgs = {key: OrganizationFactory(name=f"Org {key}") for key in "ABC"}
    people = {key: ParticipantFactory(organization=org, phone=PHONE, sms_consent=True) for key, org in orgs.items()}
    _sent(orgs["A"], people["A"], ago=datetime.timedelta(days=2))
    _sent(orgs["B"], people["B"], ago=datetime.timedelta(days=20))
    users = {
        "volunteer_a": _member(orgs["A"], Role.VOLUNTEER, "volunteer_a"),
        "staff_a": _member(orgs["A"], Role.STAFF, "staff_a"),
        "admin_a": _member(orgs["A"], Role.ADMIN, "admin_a"),
        "staff_b": _member(orgs["B"], Role.STAFF, "staff_b"),
        "admin_b": _member(orgs["B"], Role.ADMIN, "admin_b"),
        "volunteer_c": _member(orgs["C"], Role.VOLUNTEER, "volunteer_c"),
        "admin_c": _member(orgs["C"], Role.ADMIN, "admin_c"),
    }
    return orgs, people, users


def _consent(participant) -> bool:
    participant.refresh_from_db()
    return participant.sms_consent


def _try_to_send(org, participant, key):
    """Queue and send an SMS through the real services, as every app does."""
    message = services.sms_queue(
        organization=org,
        participant=participant,
        template="loan_confirmation",
        context={"date": datetime.date(2026, 12, 20), "link": f"{SITE}/l/abc"},
        idempotency_key=f"test-stop:{key}",
    )
    outcome = services.message_send(message_id=message.pk) if message.status == MessageStatus.QUEUED else "blocked"
    message.refresh_from_db()
    return outcome, message


def test_a_stop_answers_only_the_organisation_that_messaged_the_number(api, town, outbox, caplog):
    orgs, people, users = town
    queued_by_c = OutboundMessageFactory(
        organization=orgs["C"], participant=people["C"], to=PHONE, status=MessageStatus.QUEUED
    )
    with caplog.at_level(logging.DEBUG):
        response = _twilio_post(api, {"From": PHONE, "Body": REPLY})
    assert response.status_code == 200

    # Only A loses consent, through a consent record of A; B and C are unchanged.
    assert [_consent(people[key]) for key in "ABC"] == [False, True, True]
    record = ConsentRecord.objects.get()
    assert (record.organization, record.participant, record.given, record.channel) == (
        orgs["A"],
        people["A"],
        False,
        "sms_keyword",
    )
    opt_out = SmsOptOut.objects.get()
    assert (opt_out.organization, opt_out.keyword, opt_out.reply_text) == (orgs["A"], "STOP", REPLY)

    # Nobody sends to the number: A has no consent, B and C are stopped by the suppression list.
    suppression = SmsSuppression.objects.get()
    assert (suppression.phone, suppression.keyword, suppression.lifted_at) == (PHONE, "STOP", None)
    queued_by_c.refresh_from_db()
    assert (queued_by_c.status, queued_by_c.blocked_reason) == (MessageStatus.CANCELLED, BlockedReason.SUPPRESSED)
    outcomes = {key: _try_to_send(orgs[key], people[key], key) for key in "ABC"}
    assert {key: outcome for key, (outcome, _m) in outcomes.items()} == {"A": "blocked", "B": "blocked", "C": "blocked"}
    assert outcomes["A"][1].blocked_reason == BlockedReason.NO_CONSENT
    assert outcomes["B"][1].blocked_reason == BlockedReason.SUPPRESSED
    assert outcomes["C"][1].blocked_reason == BlockedReason.SUPPRESSED
    assert outbox == []

    # No other organisation reads the reply text, or that A has an opt-out.
    for name in ("staff_b", "admin_b", "volunteer_c", "admin_c"):
        client = api.as_user(users[name])
        listing = client.get("/api/v1/sms/opt-outs/")
        assert listing.status_code == 200 and listing.json()["results"] == [], name
        assert client.get(f"/api/v1/sms/opt-outs/{opt_out.pk}/").status_code == 404, name
        for url in ("/api/v1/sms/opt-outs/", "/api/v1/sms/messages/", f"/api/v1/participants/{people['B'].pk}/"):
            body = client.get(url).content.decode()
            assert not any(word in body for word in SECRET_WORDS), (name, url)

    # In A: a volunteer sees the keyword only; staff and admins see the words.
    volunteer_view = api.as_user(users["volunteer_a"]).get("/api/v1/sms/opt-outs/")
    [row] = volunteer_view.json()["results"]
    assert (row["keyword"], row["reply_text"]) == ("STOP", None)
    assert not any(word in volunteer_view.content.decode() for word in SECRET_WORDS)
    for name in ("staff_a", "admin_a"):
        [row] = api.as_user(users[name]).get("/api/v1/sms/opt-outs/").json()["results"]
        assert (row["keyword"], row["reply_text"]) == ("STOP", REPLY)

    # The logs hold neither the words nor the number.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "STOP" in logged
    assert not any(word in logged for word in SECRET_WORDS)
    assert "470112233" not in logged


def test_the_admin_does_not_show_the_reply_text_even_in_its_organisation(client, town):
    orgs, people, users = town
    services.sms_opt_out_record(phone=PHONE, text=REPLY, backend="twilio")
    opt_out = SmsOptOut.objects.get()
    for name in ("volunteer_a", "staff_a"):
        client.force_login(users[name])
        for url in (
            "/admin/messaging/smsoptout/",
            f"/admin/messaging/smsoptout/{opt_out.pk}/change/",
            f"/admin/messaging/smsoptout/{opt_out.pk}/history/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert not any(word in response.content.decode() for word in SECRET_WORDS), (name, url)
    client.force_login(users["admin_b"])
    assert client.get(f"/admin/messaging/smsoptout/{opt_out.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/messaging/smssuppression/").status_code == 404  # the list is in no admin


def test_start_gives_consent_back_where_the_stop_went_and_lifts_the_suppression(api, town, outbox):
    orgs, people, _users = town
    _twilio_post(api, {"From": PHONE, "Body": REPLY})
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert _twilio_post(api, {"From": PHONE, "Body": "Start"}).status_code == 200
        assert [_consent(people[key]) for key in "ABC"] == [True, True, True]
        given = ConsentRecord.objects.filter(given=True).get()
        assert (given.organization, given.channel) == (orgs["A"], "sms_keyword")
        assert SmsSuppression.objects.get().lifted_at == NOW + datetime.timedelta(days=3)
        assert SmsOptOut.objects.count() == 1  # the START's words are stored nowhere
        for key in "ABC":
            assert _try_to_send(orgs[key], people[key], f"after-start-{key}")[0] == "sent"
    assert len(outbox) == 3


def test_a_start_nobody_can_be_attributed_lifts_the_suppression_only(api, town, outbox):
    orgs, people, _users = town
    _twilio_post(api, {"From": PHONE, "Body": "STOP"})
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):  # A's message is 32 days old
        _twilio_post(api, {"From": PHONE, "Body": "START"})
        assert SmsSuppression.objects.get().lifted_at is not None
        assert [_consent(people[key]) for key in "ABC"] == [False, True, True]  # A's STOP still holds
        assert not ConsentRecord.objects.filter(given=True).exists()
        assert _try_to_send(orgs["A"], people["A"], "late-a")[1].blocked_reason == BlockedReason.NO_CONSENT
        assert _try_to_send(orgs["B"], people["B"], "late-b")[0] == "sent"


def test_consent_given_again_at_a_desk_lifts_the_suppression(town):
    from privacy.services import consent_record

    orgs, people, users = town
    services.sms_opt_out_record(phone=PHONE, text="STOP", backend="twilio")
    assert SmsSuppression.objects.active().exists()
    consent_record(participant=people["A"], given=True, channel="in_person", by=users["staff_a"])
    assert not SmsSuppression.objects.active().exists()
    assert _try_to_send(orgs["C"], people["C"], "desk")[0] == "sent"


def test_a_stop_nobody_can_be_attributed_suppresses_only(api, town):
    _orgs, people, users = town
    with time_machine.travel(NOW + datetime.timedelta(days=15), tick=False):  # A's message is 17 days old
        assert _twilio_post(api, {"From": PHONE, "Body": REPLY}).status_code == 200
    assert [_consent(people[key]) for key in "ABC"] == [True, True, True]
    assert not ConsentRecord.objects.exists()
    assert not SmsOptOut.objects.exists()
    suppression = SmsSuppression.objects.get()
    assert (suppression.phone, suppression.keyword) == (PHONE, "STOP")  # the number and the keyword, no words
    for name in users:
        assert api.as_user(users[name]).get("/api/v1/sms/opt-outs/").json()["results"] == []


def test_a_stop_from_a_number_no_organisation_knows_is_suppressed():
    assert services.sms_opt_out_record(phone="0470 99 88 77", text="arrêt", backend="http") == 0
    assert SmsSuppression.objects.get().phone == "+32470998877"
    assert SmsSuppression.objects.get().keyword == "ARRET"


@pytest.mark.parametrize(
    ("ago", "attributed"),
    [
        (WINDOW - datetime.timedelta(seconds=1), True),
        (WINDOW, True),
        (WINDOW + datetime.timedelta(seconds=1), False),
    ],
    ids=["inside", "on-the-boundary", "one-second-late"],
)
def test_the_window_boundary(ago, attributed):
    org = OrganizationFactory()
    person = ParticipantFactory(organization=org, phone=PHONE)
    _sent(org, person, ago=ago)
    assert services.reply_organizations(PHONE) == ([org.id] if attributed else [])
    assert services.sms_opt_out_record(phone=PHONE, text="Stop", backend="twilio") == (1 if attributed else 0)
    assert _consent(person) is not attributed
    assert SmsSuppression.objects.active().filter(phone=PHONE).exists()


def test_the_window_is_a_setting(settings):
    settings.SMS_REPLY_WINDOW_DAYS = 30
    org = OrganizationFactory()
    _sent(org, ParticipantFactory(organization=org, phone=PHONE), ago=datetime.timedelta(days=20))
    assert services.reply_organizations(PHONE) == [org.id]


@pytest.mark.parametrize(
    "status", [MessageStatus.QUEUED, MessageStatus.FAILED, MessageStatus.CANCELLED], ids=lambda s: str(s)
)
def test_a_message_that_never_reached_the_phone_does_not_count(status):
    org = OrganizationFactory()
    person = ParticipantFactory(organization=org, phone=PHONE)
    OutboundMessageFactory(
        organization=org,
        participant=person,
        to=PHONE,
        status=status,
        claimed_at=NOW - datetime.timedelta(hours=1),
        blocked_reason="no_consent" if status == MessageStatus.CANCELLED else "",
    )
    assert services.reply_organizations(PHONE) == []


def test_two_organisations_in_the_window_both_stop_and_neither_keeps_the_words(town):
    orgs, people, _users = town
    _sent(orgs["B"], people["B"], ago=datetime.timedelta(days=1))
    assert services.sms_opt_out_record(phone=PHONE, text=REPLY, backend="twilio") == 2
    assert [_consent(people[key]) for key in "ABC"] == [False, False, True]
    assert sorted(SmsOptOut.objects.values_list("organization__name", "keyword", "reply_text")) == [
        ("Org A", "STOP", ""),
        ("Org B", "STOP", ""),
    ]


@pytest.mark.parametrize(
    ("text", "keyword"),
    [("STOP", "STOP"), ("Arrêt svp", "ARRET"), ("stoppen.", "STOPPEN"), (" start! ", "START"), ("Merci", "")],
)
def test_the_keyword_is_a_fixed_word(text, keyword):
    assert services.reply_keyword(text) == keyword


def test_a_reply_that_is_the_keyword_alone_keeps_no_reply_text(town):
    services.sms_opt_out_record(phone=PHONE, text=" Stop! ", backend="twilio")
    assert SmsOptOut.objects.get().reply_text == ""


def test_erasure_removes_the_reply_text(town):
    from privacy.services import participant_erase

    _orgs, people, users = town
    services.sms_opt_out_record(phone=PHONE, text=REPLY, backend="twilio")
    participant_erase(participant=people["A"], by=users["admin_a"])
    opt_out = SmsOptOut.objects.get()
    assert (opt_out.reply_text, opt_out.keyword, str(opt_out.phone)) == ("", "", "")
    assert not opt_out.history.exclude(reply_text="").exists()
    assert SmsSuppression.objects.active().filter(phone=PHONE).exists()  # the STOP still holds for the number


def _nothing_written(people):
    assert not SmsSuppression.objects.exists()
    assert not SmsOptOut.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert all(_consent(person) for person in people.values())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"Body": "STOP"}, "From"),
        ({"From": "", "Body": "STOP"}, "From"),
        ({"From": "not a number", "Body": "STOP"}, "From"),
        ({"From": "+3247011", "Body": "STOP"}, "From"),
        ({"From": PHONE}, "Body"),
        ({"From": PHONE, "Body": "STOP " + "x" * 1600}, "Body"),
    ],
    ids=["no-from", "empty-from", "text-from", "short-from", "no-body", "long-body"],
)
def test_a_twilio_reply_with_a_bad_field_is_400_naming_it(api, town, data, field):
    _orgs, people, _users = town
    response = _twilio_post(api, data)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    _nothing_written(people)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "STOP"}, "from"),
        ({"from": 32470112233, "body": "STOP"}, "from"),
        ({"from": PHONE}, "body"),
        ({"from": PHONE, "body": ["STOP"]}, "body"),
        ({"from": PHONE, "body": "STOP\x00"}, "body"),
        ({}, None),
    ],
    ids=["no-from", "number-from", "no-body", "list-body", "nul-body", "empty"],
)
def test_an_http_reply_with_a_bad_field_is_400_naming_it(api, town, payload, field):
    _orgs, people, _users = town
    response = _http_post(api, payload)
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ([field] if field else ["from", "body"])
    _nothing_written(people)


@pytest.mark.parametrize("raw", [b"[1, 2]", b"not json", b'"STOP"'], ids=["list", "garbage", "string"])
def test_an_http_reply_that_is_not_a_json_object_is_400(api, town, raw):
    _orgs, people, _users = town
    assert _http_post(api, raw).status_code == 400
    _nothing_written(people)
