"""A row never points at another organisation's row: model validation says which field, and the database
refuses it whatever path writes (triggers made from the models, on SQLite and PostgreSQL alike).

Generated from the models: every link that `organizations.db_guards` guards is tried, so a new link is
covered without editing this file.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from loans.models import Loan, Payment
from loans.services import payment_record
from organizations import db_guards
from organizations.tenancy import same_organization_errors, tenant_links
from tests.factories import OrganizationFactory
from tests.hardening.tenant_rows import RowMaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(org_a):
    org_b = OrganizationFactory(name="Other VZW", short_code="OV")
    # far above any sequence a run reaches (PostgreSQL does not roll sequences back; see test_admin_scoping)
    return RowMaker(org_a, first_pk=765430).make_all(), RowMaker(org_b, first_pk=876540).make_all()


def _links():
    return [(model, field) for model, field, *_ in db_guards.guarded_links()]


def test_the_guards_cover_every_link_between_tenant_rows():
    guarded = {(model._meta.label, field.name) for model, field in _links()}
    assert ("loans.Payment", "loan") in guarded
    assert ("loans.Loan", "cohort") in guarded and ("loans.Loan", "policy") in guarded
    assert ("loans.LoanItem", "device") in guarded  # a row without its own column: its links agree
    assert ("connectivity.Digicheque", "repair_ticket") in guarded  # a target that hangs from a device
    assert len(guarded) >= 25


def test_every_guarded_link_is_refused_by_the_database(rows):
    own, other = rows
    refused = 0
    for model, field in _links():
        row, foreign = own[model], other[field.related_model]
        with pytest.raises(IntegrityError, match="lendwise_same_organization"), transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field.attname: foreign.pk})
        assert getattr(model.objects.get(pk=row.pk), field.attname) != foreign.pk  # nothing written
        refused += 1
    assert refused == len(_links())


def test_every_guarded_model_validates_the_rule_too():
    from organizations.tenancy import SameOrganizationModel

    for model, _ in _links():
        assert issubclass(model, SameOrganizationModel), f"{model._meta.label}: add SameOrganizationModel"


def test_an_insert_across_organisations_is_refused_too(rows):
    own, other = rows
    count = Payment.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(organization=own[Loan].organization, loan=other[Loan], kind="fee", amount=5)
    assert Payment.objects.count() == count


def test_a_link_within_the_organisation_is_accepted(rows):
    own, _ = rows
    loan = own[Loan]
    Payment.objects.create(organization=loan.organization, loan=loan, kind="fee", amount=5)
    Loan.objects.filter(pk=loan.pk).update(cohort=own[Loan].cohort)


def test_model_validation_names_each_field_that_points_elsewhere(rows):
    own, other = rows
    for model in {model for model, _ in _links()}:
        row = model.objects.get(pk=own[model].pk)
        links = [
            f
            for f in tenant_links(model)
            if f.related_model in other and getattr(row, f.attname) and f.name != _own_link(model)
        ]
        if not links:
            continue  # e.g. a report subscription scoped to the organisation itself links no other row
        for field in links:
            setattr(row, field.name, other[field.related_model])
        expected = {f.name for f in links}
        with pytest.raises(ValidationError) as caught:
            row.clean()
        assert expected <= set(caught.value.message_dict), model._meta.label


def _own_link(model):
    from organizations.tenancy import organization_lookup

    lookup = organization_lookup(model)
    return lookup.split("__")[0] if "__" in lookup else None


def test_same_organization_errors_is_empty_for_a_consistent_row(rows):
    own, _ = rows
    for model in {model for model, _ in _links()}:
        assert same_organization_errors(own[model]) == {}, model._meta.label


def test_the_guards_come_back_after_a_migration_rebuilds_a_table(rows):
    """On SQLite a migration that remakes a table drops its triggers; post_migrate installs them again."""
    own, other = rows
    name = db_guards._name(Payment, Payment._meta.get_field("loan"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {name}_i")
            cursor.execute(f"DROP TRIGGER {name}_u")
        else:
            cursor.execute(f"DROP TRIGGER {name} ON loans_payment")
    Payment.objects.filter(pk=own[Payment].pk).update(loan=other[Loan])  # unguarded for a moment
    Payment.objects.filter(pk=own[Payment].pk).update(loan=own[Loan])
    db_guards.install_after_migrate(sender=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=own[Payment].pk).update(loan=other[Loan])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL rebuilds no table, so its guards stay")
def test_on_sqlite_the_guards_are_dropped_before_a_migrate_and_come_back_after(rows):
    """A migration that rebuilds a table renames it, which SQLite refuses while another table's trigger names
    it (an existing database failed so on inventory 0007): pre_migrate drops them, post_migrate puts them back."""
    own, other = rows

    def guards() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lw_same_org_%'")
            return cursor.fetchone()[0]

    installed = guards()
    assert installed == 2 * len(db_guards.guarded_links())
    db_guards.uninstall_before_migrate(sender=None, plan=[])  # nothing to apply: nothing dropped
    assert guards() == installed
    db_guards.uninstall_before_migrate(sender=None, plan=[("migration", False)])
    assert guards() == 0
    Payment.objects.filter(pk=own[Payment].pk).update(loan=other[Loan])  # unguarded while migrating
    Payment.objects.filter(pk=own[Payment].pk).update(loan=own[Loan])
    db_guards.install_after_migrate(sender=None)
    assert guards() == installed
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=own[Payment].pk).update(loan=other[Loan])


def test_the_payment_service_takes_the_organisation_from_the_loan(rows, admin_of_org_a):
    own, _ = rows
    payment = payment_record(loan=own[Loan], kind="fee", amount=3, by=admin_of_org_a)
    assert payment.organization_id == own[Loan].organization_id


def test_bad_input_to_the_payment_service_names_the_field(rows, admin_of_org_a):
    from core.errors import DomainError

    own, _ = rows
    count = Payment.objects.count()
    with pytest.raises(DomainError) as caught:
        payment_record(loan=own[Loan], kind="fee", amount=-1, by=admin_of_org_a)
    assert "amount" in caught.value.fields
    assert Payment.objects.count() == count
