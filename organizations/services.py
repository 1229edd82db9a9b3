"""Writes on organisations and memberships that carry a rule beyond plain field validation."""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import ports
from core.errors import DomainError

from .choices import Role
from .models import Invitation, Membership, Participant

logger = logging.getLogger(__name__)


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


def _only_participant_fields(fields: dict, caller: str) -> None:
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"{caller} got unknown fields {sorted(unknown)}")


def participant_refuse_if_anonymised(participant: Participant) -> None:
    """409 `participant_anonymised`: an erased person's row never takes personal data (or activity) again."""
    if participant.anonymised_at is not None:
        raise DomainError(
            "participant_anonymised",
            _("This person's data was erased: it cannot be written again. Register them anew if they come back."),
        )


def _note_consent(participant: Participant, *, was, by, channel) -> None:
    # The consent log lives in the privacy app, on a floor above this one: reached through its port.
    if channel is None:
        ports.consent_note_change(participant=participant, was=was, by=by)
    else:
        ports.consent_note_change(participant=participant, was=was, by=by, channel=channel)


@transaction.atomic
def participant_create(*, organization, by, channel: str | None = None, **fields) -> Participant:
    """Register a participant; SMS consent given at registration is kept as a consent record."""
    _only_participant_fields(fields, "participant_create")
    participant = Participant.objects.create(organization=organization, **fields)
    _note_consent(participant, was=None, by=by, channel=channel)
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, by, channel: str | None = None, **fields) -> Participant:
    """Change a participant's details under the lock the privacy work takes; refused once they are anonymised.

    A change of SMS consent is kept as a consent record. Returns the saved row (also copied onto `participant`).
    """
    _only_participant_fields(fields, "participant_update")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    participant_refuse_if_anonymised(locked)
    was = locked.sms_consent
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _note_consent(locked, was=was, by=by, channel=channel)
    participant.__dict__.update({name: getattr(locked, name) for name in (*fields, "updated_at")})
    return locked


# --- invitations: the only way into an organisation for a non-superuser --------------------------------

INVITATION_VALID_DAYS = 7


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_accept_url(token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{token}/"


def _invitation_mail(*, invitation: Invitation, token: str) -> tuple[str, str]:
    subject = _("Invitation to join %(organization)s on Lendwise") % {"organization": invitation.organization.name}
    body = _(
        "Hello,\n\n"
        "%(inviter)s invites you to join %(organization)s on Lendwise as %(role)s.\n\n"
        "To accept, open this link and log in with your Lendwise account:\n%(url)s\n\n"
        "The link works until %(expires)s. If you did not expect this invitation, ignore this e-mail: "
        "nothing changes without you.\n"
    ) % {
        "inviter": (invitation.invited_by.get_full_name() or invitation.invited_by.username)
        if invitation.invited_by
        else "Lendwise",
        "organization": invitation.organization.name,
        "role": invitation.get_role_display(),
        "url": invitation_accept_url(token),
        "expires": formats.date_format(timezone.localtime(invitation.expires_at), "SHORT_DATETIME_FORMAT"),
    }
    return subject, body


@transaction.atomic
def invitation_create(*, organization, email: str, role: str, by) -> Invitation:
    """Invite `email` to `organization` with `role` (the caller checks that `by` administers it).

    No account is looked up: the answer and the work are the same whether or not someone has an account
    with that address (no oracle). An earlier pending invitation of the same address to the same
    organisation is revoked, so only the newest link works. The e-mail leaves after the commit.
    """
    now = timezone.now()
    email = email.strip()
    Invitation.objects.pending(now).filter(organization=organization, email__iexact=email).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=by,
        expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
    )
    subject, body = _invitation_mail(invitation=invitation, token=token)

    def send():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        logger.info("invitation %s e-mailed", invitation.pk)

    transaction.on_commit(send, robust=True)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Revoke a pending invitation; revoking it again changes nothing. An accepted one cannot be revoked
    (remove the membership instead)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise DomainError(
            "invitation_accepted",
            _("This invitation was already accepted: remove the membership instead."),
        )
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def invitation_by_token(token: str) -> Invitation:
    """The invitation of a link's token, whatever its state; 404 `invitation_not_found` for an unknown one."""
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(token_hash=invitation_token_hash(str(token or "")))
        .first()
    )
    if invitation is None:
        raise DomainError("invitation_not_found", _("This invitation link is not valid."), status_code=404)
    return invitation


def invitation_refuse_if_unusable(invitation: Invitation, *, user) -> None:
    """410 for a revoked or expired link, 409 for one someone else accepted."""
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            return
        raise DomainError("invitation_used", _("This invitation was already accepted by someone else."))
    if invitation.revoked_at is not None:
        raise DomainError("invitation_revoked", _("This invitation was withdrawn. Ask for a new one."), status_code=410)
    if invitation.expires_at <= timezone.now():
        raise DomainError("invitation_expired", _("This invitation has expired. Ask for a new one."), status_code=410)


@transaction.atomic
def invitation_accept(*, token: str, user) -> tuple[Invitation, Membership]:
    """The logged-in `user` who holds the link accepts: a membership with the invitation's role.

    The account's e-mail need not be the invited address: the link, sent to that address, is the proof.
    Accepting again (same person) does nothing and gives the same membership; someone already a member
    keeps their role (a role changes through `membership_update`, under the last-administrator rule).
    """
    found = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=found.pk)
    invitation_refuse_if_unusable(invitation, user=user)
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    if hasattr(user, "_organization_roles"):
        del user._organization_roles
    return invitation, membership
