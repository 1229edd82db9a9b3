"""Two desks assigning at the same moment: the database keeps one code per household and one holder per code."""

import threading

import pytest
from django.db import connection

from connectivity import services
from connectivity.models import EligibilityCode
from core.errors import DomainError
from tests.conftest import requires_postgres
from tests.factories import ParticipantFactory

from .factories import EligibilityCodeFactory


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_cannot_give_one_household_two_codes(org_a, staff_of_org_a):
    first = EligibilityCodeFactory(batch__organization=org_a)
    second = EligibilityCodeFactory(batch=first.batch, pack=first.pack)
    people = [ParticipantFactory(organization=org_a) for _i in range(2)]
    outcomes = _race(
        [
            lambda code=code, person=person: services.code_assign(
                code=EligibilityCode.objects.get(pk=code.pk),
                participant=person,
                eligibility_basis="other",
                household_ref="Rue Haute 12",
                by=staff_of_org_a,
            )
            for code, person in ((first, people[0]), (second, people[1]))
        ]
    )
    assert outcomes == ["household_has_code", "ok"]
    assert EligibilityCode.objects.filter(status="assigned").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_cannot_give_one_code_to_two_people(org_a, staff_of_org_a):
    code = EligibilityCodeFactory(batch__organization=org_a)
    people = [ParticipantFactory(organization=org_a) for _i in range(2)]
    outcomes = _race(
        [
            lambda person=person, house=house: services.code_assign(
                code=EligibilityCode.objects.get(pk=code.pk),
                participant=person,
                eligibility_basis="other",
                household_ref=house,
                by=staff_of_org_a,
            )
            for person, house in ((people[0], "house 1"), (people[1], "house 2"))
        ]
    )
    assert outcomes == ["code_not_available", "ok"]
