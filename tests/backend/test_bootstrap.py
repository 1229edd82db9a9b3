import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from organizations.models import Membership, Organization, Participant


def _bootstrap(**kwargs) -> str:
    out = StringIO()
    call_command("bootstrap", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_three_demo_organisations_with_logins_and_participants():
    output = _bootstrap()
    assert Organization.objects.count() == 3
    for org in Organization.objects.all():
        assert Membership.objects.filter(organization=org, role="admin").exists()
        assert Participant.objects.filter(organization=org).count() >= 3
    assert "demo-dt-admin" in output and "demo-funder" in output
    assert get_user_model().objects.get(username="demo-dt-staff").check_password("demo-lend-2026")


@pytest.mark.django_db
def test_running_it_again_keeps_the_data_and_adds_nothing():
    _bootstrap()
    counts = (Organization.objects.count(), Participant.objects.count(), get_user_model().objects.count())
    output = _bootstrap()
    assert "nothing loaded" in output
    assert (Organization.objects.count(), Participant.objects.count(), get_user_model().objects.count()) == counts


@pytest.mark.django_db
def test_it_creates_the_superuser_from_the_environment_once(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-secret-1")
    _bootstrap(no_demo=True)
    boss = get_user_model().objects.get(username="boss")
    assert boss.is_superuser and boss.check_password("a-long-secret-1")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "changed")
    assert "already exists" in _bootstrap(no_demo=True)
    boss.refresh_from_db()
    assert boss.check_password("a-long-secret-1")
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_it_prints_a_demo_loan_card_link_on_site_url(settings):
    """The link printed is the loan card's, on SITE_URL (which follows PORT in the embedded mode)."""
    from loans.models import Loan

    settings.SITE_URL = "http://127.0.0.1:9000"
    from tests.factories import MembershipFactory, OrganizationFactory, ParticipantFactory, UserFactory
    from tests.loans.factories import LoanPolicyFactory

    organization = OrganizationFactory()
    MembershipFactory(user=UserFactory(username="demo-x-staff"), organization=organization, role="staff")
    loan = Loan.objects.create(
        organization=organization,
        participant=ParticipantFactory(organization=organization),
        policy=LoanPolicyFactory(organization=organization),
        due_on=datetime.date.today() + datetime.timedelta(days=14),  # relative: no date bomb
    )
    output = _bootstrap(no_demo=True)
    link = next(line for line in output.splitlines() if line.startswith("Demo loan card"))
    assert link.endswith(f"http://127.0.0.1:9000/l/{loan.public_token}")


@pytest.mark.django_db
def test_a_bad_option_is_refused_and_loads_nothing():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no_such_option|unrecognized|Unknown option"):
        call_command("bootstrap", "--no-such-option")
    assert Organization.objects.count() == 0
