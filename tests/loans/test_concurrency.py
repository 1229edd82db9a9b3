"""Concurrent checkouts of one device on PostgreSQL: exactly one succeeds, the others get 409."""

import threading

import pytest
from django.db import connection

from core.errors import DomainError
from loans import services
from loans.models import LoanItem
from tests.conftest import requires_postgres
from tests.factories import MembershipFactory, OrganizationFactory, ParticipantFactory, UserFactory

from .factories import DeviceFactory, LoanPolicyFactory

THREADS = 8


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_of_one_device_lend_it_once(api):
    org = OrganizationFactory()
    staff = MembershipFactory(organization=org, user=UserFactory(username="desk")).user
    policy = LoanPolicyFactory(organization=org)
    device = DeviceFactory(organization=org)
    people = [ParticipantFactory(organization=org) for _i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    results: list[str] = []

    def desk(person):
        try:
            barrier.wait()
            services.loan_checkout(organization=org, participant=person, policy=policy, devices=[device], by=staff)
            results.append("ok")
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["device_not_available"] * (THREADS - 1) + ["ok"]
    assert LoanItem.objects.filter(device=device, closed_at__isnull=True).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_over_http_answer_409(api):
    from django.test import Client

    org = OrganizationFactory()
    staff = MembershipFactory(organization=org, user=UserFactory(username="desk2")).user
    policy = LoanPolicyFactory(organization=org)
    device = DeviceFactory(organization=org)
    people = [ParticipantFactory(organization=org) for _i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    codes: list[int] = []

    def desk(person):
        client = Client()
        client.force_login(staff)
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/loans/",
                {"participant": person.pk, "policy": policy.pk, "devices": [device.pk]},
                content_type="application/json",
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] + [409] * (THREADS - 1)


ROUNDS = 50
DESKS = 20


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_desks_racing_for_one_device_fifty_rounds_lend_it_once_each_round():
    """Each round, 20 desks post a checkout of the same device at once (a barrier lines them up).

    Each desk is a thread with its own client and database connection, kept across rounds.
    """
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from inventory.choices import DeviceStatus
    from inventory.models import Device

    org = OrganizationFactory()
    staff = MembershipFactory(organization=org, user=UserFactory(username="busy-desk")).user
    token = Token.objects.create(user=staff).key
    policy = LoanPolicyFactory(organization=org)
    devices = [DeviceFactory(organization=org) for _round in range(ROUNDS)]
    people = [ParticipantFactory(organization=org) for _desk in range(DESKS)]
    barrier = threading.Barrier(DESKS, timeout=60)
    answers: list[list[tuple[int, str]]] = [[] for _round in range(ROUNDS)]
    lock = threading.Lock()
    errors: list[BaseException] = []

    def desk(person):
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            for round_, device in enumerate(devices):
                barrier.wait()
                response = client.post(
                    "/api/v1/loans/",
                    {"participant": person.pk, "policy": policy.pk, "devices": [device.pk]},
                    content_type="application/json",
                )
                code = response.json().get("code", "") if response.status_code != 201 else ""
                with lock:
                    answers[round_].append((response.status_code, code))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for round_, round_answers in enumerate(answers):
        assert sorted(round_answers) == [(201, "")] + [(409, "device_not_available")] * (DESKS - 1), round_
    open_items = LoanItem.objects.filter(device__in=devices, closed_at__isnull=True)
    assert open_items.count() == ROUNDS
    assert open_items.values("device").distinct().count() == ROUNDS
    assert set(Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("status", flat=True)) == {
        DeviceStatus.ON_LOAN
    }


@pytest.mark.django_db
def test_a_bad_device_in_a_racing_checkout_is_a_400_naming_the_field_and_writes_nothing(api):
    org = OrganizationFactory()
    staff = MembershipFactory(organization=org, user=UserFactory(username="desk3")).user
    policy = LoanPolicyFactory(organization=org)
    person = ParticipantFactory(organization=org)
    response = api.as_user(staff).post(
        "/api/v1/loans/", {"participant": person.pk, "policy": policy.pk, "devices": ["nope"]}, format="json"
    )
    assert response.status_code == 400 and "devices" in str(response.json()["fields"])
    assert LoanItem.objects.count() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_kits_lent_and_returned_at_once_in_opposite_orders_do_not_deadlock():
    """Two desks lend and take back kits of the same kinds (a grade-A laptop and a tablet), one laptop first,
    the other tablet first, 20 times each at the same moment: every checkout and return succeeds (tally
    triggers must not make the two transactions wait on each other in opposite orders)."""
    org = OrganizationFactory()
    staff = MembershipFactory(organization=org, user=UserFactory(username="desk")).user
    policy = LoanPolicyFactory(organization=org)
    kits = [
        [DeviceFactory(organization=org, kind="laptop", condition="A"), DeviceFactory(organization=org, kind="tablet")],
        [DeviceFactory(organization=org, kind="tablet"), DeviceFactory(organization=org, kind="laptop", condition="A")],
    ]
    people = [ParticipantFactory(organization=org) for _i in range(2)]
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def desk(devices, person):
        try:
            barrier.wait()
            for _round in range(20):
                loan = services.loan_checkout(
                    organization=org, participant=person, policy=policy, devices=devices, by=staff
                )
                services.loan_return(loan=loan, by=staff, condition="good")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(kit, person)) for kit, person in zip(kits, people, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LoanItem.objects.filter(loan__organization=org).count() == 2 * 20 * 2
