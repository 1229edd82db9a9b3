import datetime

import factory
from django.contrib.auth import get_user_model

from organizations.choices import Role
from organizations.models import Funder, Grant, Membership, Organization, Participant


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


def _short_code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Z" + letters[(n // 26) % 26] + letters[n % 26]


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_code = factory.Sequence(_short_code)
    phone = "+3222150000"
    address = "Rue de la Loi 1, 1000 Bruxelles"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.STAFF


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    name = factory.Sequence(lambda n: f"Funder {n}")


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    organization = factory.SubFactory(OrganizationFactory)
    funder = factory.SubFactory(FunderFactory)
    name = factory.Sequence(lambda n: f"Grant {n}")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2027, 12, 31)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    phone = factory.Sequence(lambda n: f"+3247{n % 10000000:07d}")
    preferred_language = "fr"
    sms_consent = True
