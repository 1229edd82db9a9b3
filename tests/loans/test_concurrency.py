"""Concurrent checkouts of one device on PostgreSQL: exactly one succeeds, the others get 409."""

import threading

import pytest
from django.db import connection

from backend.api.errors import DomainError
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
