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


# --- participants: the one write path of the API, the desk and the admin ----------------------------

PARTICIPANT_FIELDS = (
    "display_name",
    "phone",
    "preferred_language",
    "sms_consent",
    "reference",
    "note",
    "age_band",
    "gender",
    "is_active",
)


def participant_refuse_if_anonymised(participant: Participant) -> None:
    """409 `participant_anonymised`: an erased person's row never takes personal data (or activity) again."""
    if participant.anonymised_at is not None:
        raise DomainError(
            "participant_anonymised",
            _("This person's data was erased: it cannot be written again. Register them anew if they come back."),
        )


def _note_consent(participant: Participant, *, was, by, channel) -> None:
    # The consent log lives in the privacy app, which builds on this one: imported at call time.
    from privacy.services import consent_note_change

    if channel is None:
        consent_note_change(participant=participant, was=was, by=by)
    else:
        consent_note_change(participant=participant, was=was, by=by, channel=channel)


@transaction.atomic
def participant_create(*, organization, by, channel: str | None = None, **fields) -> Participant:
    """Register a participant; SMS consent given at registration is kept as a consent record."""
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"participant_create got unknown fields {sorted(unknown)}")
    participant = Participant.objects.create(organization=organization, **fields)
    _note_consent(participant, was=None, by=by, channel=channel)
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, by, channel: str | None = None, **fields) -> Participant:
    """Change a participant's details under the lock the privacy work takes; refused once they are anonymised.

    A change of SMS consent is kept as a consent record. Returns the saved row (also copied onto `participant`).
    """
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"participant_update got unknown fields {sorted(unknown)}")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    participant_refuse_if_anonymised(locked)
    was = locked.sms_consent
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _note_consent(locked, was=was, by=by, channel=channel)
    participant.__dict__.update({name: getattr(locked, name) for name in (*fields, "updated_at")})
    return locked
