"""Writes on organisations and memberships that carry a rule beyond plain field validation."""

from django.db import transaction
from django.utils.translation import gettext as _

from backend.api.errors import DomainError

from .choices import Role
from .models import Membership


def _ensure_other_admin(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise DomainError(
            "last_admin",
            _("An organisation needs at least one administrator: appoint another one first."),
            fields={"role": [_("This is the last administrator of the organisation.")]},
        )


@transaction.atomic
def membership_update(*, membership: Membership, role: str) -> Membership:
    """Change a role; the last administrator of an organisation cannot be demoted."""
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    """Remove someone from an organisation; the last administrator cannot be removed."""
    if membership.role == Role.ADMIN:
        _ensure_other_admin(membership)
    membership.delete()
