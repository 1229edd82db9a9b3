"""Monthly report e-mails: subscribing, sending once per period, surviving a failure."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Funder
from reports import services, tasks
from reports.choices import DeliveryStatus
from reports.models import ReportDelivery, ReportSubscription

SUBSCRIPTIONS = "/api/v1/reports/subscriptions/"


@pytest.fixture
def run_monthly(django_capture_on_commit_callbacks):
    """The beat task as a worker runs it: the sends it enqueues after commit run too."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.report_subscriptions_send_task()

    return run


def subscribe(user, **scope):
    subscription = ReportSubscription.objects.create(user=user, email=f"{user.username}@example.org", **scope)
    # made last month, so last month's report is due
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    return subscription


@pytest.mark.django_db
def test_a_funder_user_subscribes_to_its_funders_monthly_report(api, funder_user):
    funder = Funder.objects.get(users=funder_user)

    response = api.as_user(funder_user).post(
        SUBSCRIPTIONS, {"funder": funder.pk, "email": "fund@example.org", "language": "fr"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["attachment_format"] == "pdf"
    assert ReportSubscription.objects.get().funder == funder


@pytest.mark.django_db
def test_it_refuses_a_subscription_to_another_funders_grant(api, funder_user, programme_data):
    response = api.as_user(funder_user).post(
        SUBSCRIPTIONS, {"grant": programme_data["other_grant"].pk, "email": "fund@example.org"}, format="json"
    )

    assert response.status_code == 400
    assert "grant" in response.json()["fields"]
    assert not ReportSubscription.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_subscription_without_exactly_one_scope_or_with_a_bad_format(api, admin_of_org_a, org_a):
    client = api.as_user(admin_of_org_a)

    none = client.post(SUBSCRIPTIONS, {"email": "a@example.org"}, format="json")
    assert none.status_code == 400 and "organization" in none.json()["fields"]
    bad = client.post(
        SUBSCRIPTIONS, {"organization": org_a.pk, "email": "a@example.org", "attachment_format": "json"}, format="json"
    )
    assert bad.status_code == 400 and "attachment_format" in bad.json()["fields"]
    assert not ReportSubscription.objects.exists()


@pytest.mark.django_db
def test_users_see_only_their_own_subscriptions(api, admin_of_org_a, staff_of_org_b, org_a):
    subscription = subscribe(admin_of_org_a, organization=org_a)

    assert api.as_user(staff_of_org_b).get(f"{SUBSCRIPTIONS}{subscription.pk}/").status_code == 404
    assert api.as_user(staff_of_org_b).get(SUBSCRIPTIONS).json()["count"] == 0
    assert api.as_user(admin_of_org_a).get(SUBSCRIPTIONS).json()["count"] == 1


@pytest.mark.django_db
def test_the_subscription_list_takes_the_same_queries_for_1_and_50_rows(api, admin_of_org_a, org_a):
    client = api.as_user(admin_of_org_a)
    counts = []
    for total in (1, 50):
        while ReportSubscription.objects.count() < total:
            subscribe(admin_of_org_a, organization=org_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SUBSCRIPTIONS).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_monthly_task_sends_each_subscription_once_and_a_second_run_sends_nothing(
    funder_user, admin_of_org_a, org_a, programme_data, run_monthly
):
    funder = Funder.objects.get(users=funder_user)
    subscribe(funder_user, funder=funder, language="nl")
    subscribe(admin_of_org_a, organization=org_a, language="fr", attachment_format="csv")
    subscribe(admin_of_org_a, organization=org_a, language="nl", attachment_format="xlsx")

    assert run_monthly() == 3
    assert len(mail.outbox) == 3
    assert run_monthly() == 0
    assert len(mail.outbox) == 3
    assert set(ReportDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    to_funder = next(message for message in mail.outbox if message.to == ["funder_user@example.org"])
    assert to_funder.attachments[0][0].endswith(".pdf")
    assert to_funder.attachments[0][1].startswith(b"%PDF")
    to_admin = [message.attachments[0] for message in mail.outbox if message.to == ["admin_a@example.org"]]
    assert sorted(attachment[2] for attachment in to_admin) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    ]
    xlsx = next(attachment for attachment in to_admin if attachment[0].endswith(".xlsx"))
    assert xlsx[1].startswith(b"PK")  # a zip: the workbook itself


@pytest.mark.django_db
def test_a_delivery_already_claimed_is_not_sent_again(admin_of_org_a, org_a):
    subscribe(admin_of_org_a, organization=org_a)
    [delivery_id] = services.deliveries_create_due()

    assert services.delivery_send(delivery_id=delivery_id) == "sent"
    assert services.delivery_send(delivery_id=delivery_id) == "not_claimed"
    ReportDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENDING)
    assert services.delivery_send(delivery_id=delivery_id) == "not_claimed"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_by_the_next_run(admin_of_org_a, org_a, monkeypatch, run_monthly):
    subscribe(admin_of_org_a, organization=org_a)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    run_monthly()
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.PENDING, 1, "SMTP down")
    monkeypatch.undo()

    run_monthly()

    assert ReportDelivery.objects.get().status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_subscriber_who_lost_access_gets_nothing(funder_user, programme_data, run_monthly):
    funder = Funder.objects.get(users=funder_user)
    subscribe(funder_user, funder=funder)
    funder.users.remove(funder_user)

    run_monthly()

    assert ReportDelivery.objects.get().status == DeliveryStatus.SKIPPED
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_new_subscription_waits_for_the_end_of_its_first_month(admin_of_org_a, org_a, run_monthly):
    ReportSubscription.objects.create(user=admin_of_org_a, email="a@example.org", organization=org_a)

    assert run_monthly() == 0
    assert mail.outbox == []


def test_the_beat_schedule_runs_the_monthly_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly"]
    assert entry["task"] == "reports.tasks.report_subscriptions_send_task"


@pytest.mark.django_db
def test_a_subscriber_pauses_a_subscription_but_cannot_move_it_to_another_scope(api, admin_of_org_a, org_a, org_b):
    subscription = subscribe(admin_of_org_a, organization=org_a)
    client = api.as_user(admin_of_org_a)

    paused = client.patch(f"{SUBSCRIPTIONS}{subscription.pk}/", {"is_active": False}, format="json")
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    moved = client.patch(f"{SUBSCRIPTIONS}{subscription.pk}/", {"organization": org_b.pk}, format="json")
    assert moved.status_code == 400 and "organization" in moved.json()["fields"]
    assert ReportSubscription.objects.get().organization == org_a


@pytest.mark.django_db
def test_a_yearly_subscription_sends_last_years_report_once(api, admin_of_org_a, org_a):
    client = api.as_user(admin_of_org_a)
    created = client.post(
        SUBSCRIPTIONS,
        {
            "organization": org_a.pk,
            "frequency": "yearly",
            "attachment_format": "xlsx",
            "email": "a@example.org",
            "language": "en",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["frequency"] == "yearly"
    subscription = ReportSubscription.objects.get(pk=created.json()["id"])
    this_year = timezone.localdate().year
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.make_aware(datetime.datetime(this_year - 1, 6, 1))
    )
    # in the middle of a month and of the year: last year's report, and no monthly one
    with time_machine.travel(datetime.datetime(this_year, 3, 15, 9, tzinfo=datetime.UTC), tick=False):
        ids = services.deliveries_create_due()
        assert len(ids) == 1
        delivery = ReportDelivery.objects.get(pk=ids[0])
        assert (delivery.period_start, delivery.period_end) == (
            datetime.date(this_year - 1, 1, 1),
            datetime.date(this_year - 1, 12, 31),
        )
        assert services.delivery_send(delivery_id=delivery.pk) == "sent"
        assert services.deliveries_create_due() == []  # a second scan sends nothing
    [message] = mail.outbox
    assert "yearly report" in message.body  # in the subscription's language: English here
    assert message.attachments[0][0] == f"report-{this_year - 1}.xlsx"


@pytest.mark.django_db
def test_a_subscription_made_this_year_waits_for_next_year(admin_of_org_a, org_a):
    subscription = services.subscription_create(
        user=admin_of_org_a, email="a@example.org", language="en", organization=org_a, frequency="yearly"
    )
    assert subscription.frequency == "yearly"
    assert services.deliveries_create_due() == []


@pytest.mark.django_db
def test_an_unknown_frequency_is_a_400_naming_it(api, admin_of_org_a, org_a):
    response = api.as_user(admin_of_org_a).post(
        SUBSCRIPTIONS, {"organization": org_a.pk, "frequency": "weekly"}, format="json"
    )
    assert response.status_code == 400 and "frequency" in response.json()["fields"]
    assert not ReportSubscription.objects.exists()
