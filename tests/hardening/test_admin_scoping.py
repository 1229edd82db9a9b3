"""The admin shows and accepts only the member's own organisations' rows, for every registered ModelAdmin.

Generated from the admin registry and the model registry, not hand-listed: organisation B holds a row of
every tenant model (tenant_rows.RowMaker); staff and an admin of organisation A open every changelist,
add view, change view, history page and autocomplete answer, run every action on B's rows, and fill
every relation field of every admin form and inline with B's rows. No primary key or name of B may
appear, every posted id of B is refused by the form, and nothing of B changes. A new ModelAdmin, inline,
relation or model is covered without editing this file.
"""

import json
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.forms.models import ModelChoiceField, ModelMultipleChoiceField, model_to_dict
from django.test import Client
from django.urls import NoReverseMatch, reverse

from loans.models import Loan, Payment, WaitlistEntry
from organizations.admin_base import TenantAdmin
from organizations.models import Membership
from organizations.tenancy import organization_lookup
from tests.factories import OrganizationFactory

from .tenant_rows import RowMaker, tenant_models

pytestmark = pytest.mark.django_db

# Primary keys far above what any sequence reaches in a test run: PostgreSQL does not roll sequences back,
# and the device triggers insert DeviceCount rows by sequence, so an explicit 5010 once met its own number.
A_FIRST_PK = 765430
B_FIRST_PK = 987650
B_PK = re.compile(r"(?<!\d)9876[5-9]\d(?!\d)")
B_NAME = "Zqxborg Hidden VZW"


def _secrets(rows) -> set[str]:
    """What would give B's rows away: the random texts model_bakery wrote into them, and their names
    where a name carries one (a name of fixed words, such as a log entry's, could be anyone's)."""
    found = {B_NAME}
    for row in rows.values():
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                if isinstance(value, str) and len(value) >= 12 and value.isalpha():
                    found.add(value)
    names = {str(row) for row in rows.values()}
    found |= {name for name in names if any(value in name for value in found)}
    return found


@pytest.fixture
def world(org_a, staff_of_org_a, admin_of_org_a, superuser):
    org_b = OrganizationFactory(name=B_NAME, short_code="ZQ")
    a_rows = RowMaker(org_a, first_pk=A_FIRST_PK).make_all()
    b_rows = RowMaker(org_b, first_pk=B_FIRST_PK).make_all()
    b_user = b_rows[Membership].user  # a member of B only: no choice list of A may offer them
    for user in (staff_of_org_a, admin_of_org_a):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        a=a_rows,
        b=b_rows,
        secrets=_secrets(b_rows) | {b_user.username},
        b_user=b_user,
        members={"staff": staff_of_org_a, "admin": admin_of_org_a},
        superuser=superuser,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_nothing_of_b(world, body: str, where: str):
    leaked_pk = B_PK.search(body)
    assert leaked_pk is None, f"{where}: primary key {leaked_pk.group()} of organisation B shows"
    for secret in world.secrets:
        assert secret not in body, f"{where}: {secret!r} of organisation B shows"


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _registry():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_b_holds_a_row_of_every_tenant_model_and_the_superuser_sees_them(world):
    """The test is not empty: B's rows exist, and an unscoped page (the superuser's) shows them."""
    assert {m for m in tenant_models()} == set(world.b)
    client = _client(world.superuser)
    shown = 0
    for model, model_admin in _registry():
        if model in world.b and isinstance(model_admin, TenantAdmin):
            page = client.get(_admin_url(model, "changelist")).content.decode()
            assert B_PK.search(page), f"{model._meta.label}: the superuser's list does not show B's row"
            shown += 1
    assert shown >= 25


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_no_page_of_any_registered_admin_shows_another_organisations_rows(world, role, capsys):
    client = _client(world.members[role])
    registry = _registry()
    for model, _model_admin in registry:
        where = f"{role} {model._meta.label}"
        urls = [_admin_url(model, "changelist"), _admin_url(model, "changelist") + "?_popup=1&_to_field=id"]
        urls.append(_admin_url(model, "add"))
        own = world.a.get(model)
        if own is not None:
            urls += [_admin_url(model, "change", own.pk), _admin_url(model, "history", own.pk)]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), f"{where} {url}: {response.status_code}"
            _assert_nothing_of_b(world, response.content.decode(errors="replace"), f"{where} {url}")
    with capsys.disabled():
        print(f"\nadmin scoping ({role}): {len(registry)} registered ModelAdmins opened")
    assert len(registry) >= 40


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_another_organisations_row_is_not_found_in_change_delete_and_history(world, role):
    client = _client(world.members[role])
    for model, model_admin in _registry():
        row = world.b.get(model)
        if row is None:
            continue
        for view in ("change", "delete"):
            response = client.get(_admin_url(model, view, row.pk))
            assert response.status_code in (302, 403), f"{model._meta.label} {view}: {response.status_code}"
            _assert_nothing_of_b(world, response.content.decode(errors="replace"), f"{model._meta.label} {view}")
        response = client.get(_admin_url(model, "history", row.pk))
        expected = (404,) if isinstance(model_admin, TenantAdmin) else (403, 404)
        assert response.status_code in expected, f"{model._meta.label} history: {response.status_code}"


def _relation_fields():
    """(source model, field) for every relation of every registered model: what autocomplete may be asked."""
    for model, _model_admin in _registry():
        for field in model._meta.get_fields():
            if field.concrete and (field.many_to_one or field.many_to_many):
                yield model, field


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_no_autocomplete_answers_another_organisations_rows(world, role):
    client = _client(world.members[role])
    asked = answered = 0
    for model, field in _relation_fields():
        for term in ("", "a", "Zq"):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": term,
                },
            )
            asked += 1
            assert response.status_code in (200, 403, 404), f"{model._meta.label}.{field.name}"
            body = response.content.decode(errors="replace")
            _assert_nothing_of_b(world, body, f"autocomplete {model._meta.label}.{field.name} {term!r}")
            if response.status_code == 200:
                answered += 1
                ids = {int(r["id"]) for r in json.loads(body)["results"] if str(r["id"]).isdigit()}
                assert not ids & {r.pk for r in world.b.values()}
    assert answered >= 10 and asked > answered  # some fields are searchable, the rest refused


def _forms(model_admin, request, obj):
    """The admin's form class and each inline's form class, for the add (obj None) or change page."""
    yield model_admin.get_form(request, obj)
    for inline in model_admin.get_inline_instances(request, obj):
        yield inline.get_formset(request, obj).form


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_every_relation_field_of_every_admin_form_offers_only_own_rows_and_refuses_b(world, role):
    user = world.members[role]
    checked = 0
    for model, model_admin in _registry():
        request = _request(user)
        if not (model_admin.has_module_permission(request) or model_admin.has_view_permission(request)):
            continue
        for obj in (None, world.a.get(model)):
            if obj is None and not model_admin.has_add_permission(request):
                continue
            for form_class in _forms(model_admin, request, obj):
                for name, field in form_class.base_fields.items():
                    if not isinstance(field, ModelChoiceField):
                        continue
                    target = field.queryset.model
                    foreign = {world.org_b.__class__: world.org_b, User: world.b_user}.get(target, world.b.get(target))
                    if foreign is None:
                        continue
                    where = f"{model._meta.label}.{name}"
                    assert not field.queryset.filter(pk=foreign.pk).exists(), f"{where} offers B's row"
                    value = [foreign.pk] if isinstance(field, ModelMultipleChoiceField) else foreign.pk
                    form = form_class(data={name: value}, instance=obj) if hasattr(form_class, "_meta") else None
                    if form is not None:
                        form.is_valid()
                        assert name in form.errors, f"{where}: B's id accepted"
                    checked += 1
    assert checked >= 20


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_no_action_touches_another_organisations_rows(world, role):
    client = _client(world.members[role])
    before = {model: model_to_dict(row) for model, row in world.b.items()}
    ran = 0
    for model, model_admin in _registry():
        row = world.b.get(model)
        if row is None:
            continue
        request = _request(world.members[role])
        for name in model_admin.get_actions(request):
            response = client.post(
                _admin_url(model, "changelist"),
                {"action": name, "_selected_action": [row.pk], "index": 0, "post": "yes"},
            )
            assert response.status_code in (200, 302, 403)
            _assert_nothing_of_b(
                world, response.content.decode(errors="replace"), f"action {name} on {model._meta.label}"
            )
            ran += 1
    for model, row in world.b.items():
        assert model.objects.filter(pk=row.pk).exists(), f"{model._meta.label}: B's row was deleted"
        assert model_to_dict(model.objects.get(pk=row.pk)) == before[model], f"{model._meta.label} changed"
    assert ran >= 10


# --- posted forms: the cases the outside audit found, through HTTP ------------------------------------


def test_a_payment_on_another_organisations_loan_is_refused_and_nothing_is_written(world):
    client = _client(world.members["admin"])
    count = Payment.objects.count()
    response = client.post(
        _admin_url(Payment, "add"),
        {
            "organization": world.org_a.pk,
            "loan": world.b[Loan].pk,
            "kind": "fee",
            "amount": "5.00",
            "method": "cash",
            "received_on": "2026-01-10",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "loan" in response.context["adminform"].form.errors
    assert Payment.objects.count() == count


def test_a_waiting_list_entry_for_another_organisations_participant_is_refused(world):
    client = _client(world.members["staff"])
    count = WaitlistEntry.objects.count()
    response = client.post(
        _admin_url(WaitlistEntry, "add"),
        {
            "organization": world.org_a.pk,
            "participant": world.b[WaitlistEntry].participant_id,
            "device_kind": "laptop",
            "status": "waiting",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "participant" in response.context["adminform"].form.errors
    assert WaitlistEntry.objects.count() == count


def test_another_organisations_course_is_refused_on_a_loan(world):
    loan = world.a[Loan]
    client = _client(world.members["admin"])
    page = client.get(_admin_url(Loan, "change", loan.pk)).content.decode()
    _assert_nothing_of_b(world, page, "loan change page")
    form_class = admin.site._registry[Loan].get_form(_request(world.members["admin"]), loan)
    form = form_class(data={**model_to_dict(loan), "cohort": world.b[Loan].cohort_id}, instance=loan)
    assert not form.is_valid() and "cohort" in form.errors
    loan.refresh_from_db()
    assert loan.cohort_id != world.b[Loan].cohort_id


def test_an_unknown_field_value_is_a_form_error_not_a_crash(world):
    """Bad input: a posted id that is no number at all gets a form error naming the field."""
    client = _client(world.members["admin"])
    count = Payment.objects.count()
    response = client.post(_admin_url(Payment, "add"), {"organization": "x", "loan": "not-a-number", "amount": "-"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"organization", "loan", "amount"} <= set(errors)
    assert Payment.objects.count() == count


def test_every_tenant_model_knows_its_organisation():
    for model in tenant_models():
        assert organization_lookup(model), model._meta.label


def test_admin_urls_exist_for_every_registered_model():
    for model, _ in _registry():
        try:
            _admin_url(model, "changelist")
        except NoReverseMatch:  # pragma: no cover - a registered admin always has a changelist
            pytest.fail(model._meta.label)


@pytest.mark.parametrize(
    "label",
    [
        "loans.Payment",
        "connectivity.EligibilityCode",
        "connectivity.Digicheque",
        "connectivity.CodeBatch",
        "connectivity.DigichequeBatch",
    ],
)
def test_ledgers_cannot_be_deleted_in_the_admin_even_by_the_superuser(world, label):
    from django.apps import apps

    model = apps.get_model(label)
    row = world.a[model]
    client = _client(world.superuser)
    assert client.post(_admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    client.post(
        _admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=row.pk).exists()
