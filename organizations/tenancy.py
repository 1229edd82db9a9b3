"""Which organisation a row belongs to, and the rule that a row never points across organisations.

Every tenant row belongs to exactly one organisation, either through its own `organization` column or
through the row it hangs from (a wipe record through its device, a loan item through its loan). A row
that points at other tenant rows (a payment and its loan, a loan and its policy or course) must point
only at rows of its own organisation. `same_organization_errors` checks that in Python (model
validation, services); the database triggers of `organizations/migrations/0012_same_organization.py`
keep it whatever path writes.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGANIZATION_MODEL = "organizations.Organization"


@cache
def organization_lookup(model) -> str | None:
    """The ORM path from `model` to its organisation's id ("organization_id", "device__organization_id",
    "id" for an organisation itself), or None for installation-wide models (programmes, funders, users)."""
    if model._meta.label == ORGANIZATION_MODEL:
        return "id"
    return _lookup(model, depth=0)


def _lookup(model, depth: int) -> str | None:
    fields = model._meta.concrete_fields
    for field in fields:
        if field.name == "organization" and field.related_model._meta.label == ORGANIZATION_MODEL:
            return "organization_id"
    if depth >= 2:
        return None
    for field in fields:  # a row that hangs from a tenant row (required link) belongs where that row does
        if (field.many_to_one or field.one_to_one) and not field.null and field.related_model is not model:
            inner = _lookup(field.related_model, depth + 1)
            if inner is not None:
                return f"{field.name}__{inner}"
    return None


def tenant_links(model) -> list:
    """The foreign keys of `model` that point at tenant rows (other than its organisation)."""
    return [
        field
        for field in model._meta.concrete_fields
        if (field.many_to_one or field.one_to_one)
        and field.related_model._meta.label != ORGANIZATION_MODEL
        and field.related_model is not model.__class__
        and organization_lookup(field.related_model) is not None
    ]


def organization_id_of(obj) -> int | None:
    """The id of the organisation `obj` belongs to (one query at most for a row that hangs from another)."""
    lookup = organization_lookup(type(obj))
    if lookup is None:
        return None
    if lookup in ("id", "organization_id"):
        return getattr(obj, lookup)
    first, rest = lookup.split("__", 1)
    parent = getattr(obj, first, None)
    return None if parent is None else organization_id_of(parent)


def same_organization_errors(obj) -> dict[str, str]:
    """{field name: message} for each link of `obj` to a row of another organisation."""
    errors: dict[str, str] = {}
    own = organization_id_of(obj)
    seen = own
    for field in tenant_links(type(obj)):
        if getattr(obj, field.attname) is None:
            continue
        target = getattr(obj, field.name)
        target_org = organization_id_of(target)
        if target_org is None:
            continue
        if seen is None:
            seen = target_org  # a row without its own column: its links must agree among themselves
        elif target_org != seen:
            errors[field.name] = str(_("This belongs to another organisation."))
    return errors


def check_same_organization(obj) -> None:
    """Raise ValidationError naming each field of `obj` that points at another organisation's row."""
    errors = same_organization_errors(obj)
    if errors:
        raise ValidationError(errors)


class SameOrganizationModel:
    """Model mixin: validation (forms, the admin, `full_clean`) refuses links across organisations."""

    def clean(self):
        super().clean()
        check_same_organization(self)
