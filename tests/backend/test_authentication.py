"""Token authentication reads the caller's organisations and roles in its own query: a token request costs
one query less than before, and scoping still sees exactly the caller's organisations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from organizations.choices import Role
from tests.factories import MembershipFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_member_of_two_organisations_sees_both_and_no_role_query_is_made(org_a, org_b, staff_of_org_a):
    MembershipFactory(user=staff_of_org_a, organization=org_b, role=Role.VOLUNTEER)
    ParticipantFactory(organization=org_a, display_name="Of A")
    ParticipantFactory(organization=org_b, display_name="Of B")
    ParticipantFactory(display_name="Of a third organisation")
    client = _token_client(staff_of_org_a)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/participants/")

    assert response.status_code == 200
    assert sorted(row["display_name"] for row in response.json()["results"]) == ["Of A", "Of B"]
    assert not [q for q in queries if "organizations_membership" in q["sql"] and "authtoken_token" not in q["sql"]]


def test_roles_come_from_the_token_query_so_a_volunteer_still_cannot_delete(org_a, volunteer_of_org_a):
    person = ParticipantFactory(organization=org_a)
    client = _token_client(volunteer_of_org_a)
    assert client.get(f"/api/v1/participants/{person.pk}/").status_code == 200
    assert client.delete(f"/api/v1/participants/{person.pk}/").status_code == 403


def test_a_user_without_membership_is_authenticated_and_is_no_member(funder_user, org_a):
    ParticipantFactory(organization=org_a)
    client = _token_client(funder_user)
    assert client.get("/api/v1/participants/").status_code == 403
    assert client.get("/api/v1/grants/").json()["count"] == 1  # their funder's grant


@pytest.mark.parametrize("language, message", [("en", "Invalid token."), ("fr", "Token non valide.")])
def test_an_unknown_token_is_a_401(language, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401
    assert response.json()["detail"] == message


def test_an_inactive_users_token_is_a_401(staff_of_org_a):
    client = _token_client(staff_of_org_a)
    staff_of_org_a.is_active = False
    staff_of_org_a.save()
    response = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 401
    assert response.json()["detail"] == "Gebruiker inactief of verwijderd."


def test_the_user_and_token_come_back_as_the_orm_loads_them(org_a, staff_of_org_a):
    """The raw query gives the same user (every field, with the database's types: SQLite stores datetimes as
    text) and a token whose `created` is read when asked for."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from organizations.auth import TokenAuthentication

    staff_of_org_a.last_login = timezone.now()
    staff_of_org_a.save()
    token = Token.objects.create(user=staff_of_org_a)
    user, auth = TokenAuthentication().authenticate_credentials(token.key)

    expected = get_user_model().objects.get(pk=staff_of_org_a.pk)
    for field in expected._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(user, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert user._organization_roles == {org_a.pk: Role.STAFF}
    assert (auth.pk, auth.user_id, auth.user) == (token.key, staff_of_org_a.pk, user)
    assert auth.created == token.created


def test_a_token_key_with_sql_in_it_is_only_an_unknown_token(staff_of_org_a):
    Token.objects.create(user=staff_of_org_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token x'OR'1'='1'--")
    response = client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
