"""Writes on organisations and memberships that carry a rule beyond plain field validation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.api.errors import DomainError

from .choices import Role
from .models import Membership, Participant


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


def staff_task_ensure(
    *,
    organization,
    kind: str,
    key: str,
    title: str,
    due_on,
    participant=None,
    related=None,
):
    """Create the task once per `key`; later calls with the same key return the existing task."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StaffTask

    defaults = {
        "organization": organization,
        "kind": kind,
        "title": title[:200],
        "due_on": due_on,
        "participant": participant,
    }
    if related is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(related)
        defaults["object_id"] = related.pk
    task, _created = StaffTask.objects.get_or_create(key=key, defaults=defaults)
    return task


@transaction.atomic
def staff_task_complete(*, task, by, outcome: str = ""):
    """Mark a task done once; a second completion is refused."""
    from .models import StaffTask

    updated = StaffTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by, outcome=outcome
    )
    if not updated:
        raise DomainError("task_already_done", _("This task is already done."))
    task.refresh_from_db()
    return task


def participant_lock_if_active(participant: Participant) -> bool:
    """Locks the participant's row until the transaction ends and says whether they are still active.

    The retention run anonymises a participant only under this lock, after checking that nothing of theirs
    is open; whoever gives them a loan, a code, a cheque or a waiting-list place takes the lock first, so
    an anonymisation and a new record never cross (privacy.services.participants_anonymise_due)."""
    return Participant.objects.select_for_update().filter(pk=participant.pk, is_active=True).exists()
