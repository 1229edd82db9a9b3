"""Writes on eligibility codes: reveal, assign (household rule), activate, revoke, re-check, expire, deliver."""

import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ports
from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from inventory.services import device_move
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from organizations.services import staff_task_ensure

from ..choices import CODE_HELD_STATUSES, CodeStatus, EligibilityBasis, ModemHandover
from ..models import CodeRevealLog, EligibilityCode, refuse_national_number
from ._common import _active_participant, _bad_input, _transition, add_months

RECHECK_NOTICE_DAYS = 14  # a re-check task appears this many days before the re-check date


def normalize_household_ref(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _code_not_available(code: EligibilityCode) -> DomainError:
    messages = {
        CodeStatus.ASSIGNED: _("This code is already assigned to someone."),
        CodeStatus.ACTIVATED: _("This code is already in use."),
        CodeStatus.EXPIRED: _("This code has expired."),
        CodeStatus.REVOKED: _("This code was revoked."),
    }
    return DomainError(
        "code_not_available", messages.get(code.status, _("This code cannot be assigned.")), fields={"code": []}
    )


def code_reveal(*, code: EligibilityCode, by, reason: str = "", purpose: str = "reveal") -> str:
    """The code in clear; every call leaves a reveal log row."""
    CodeRevealLog.objects.create(
        organization_id=code.organization_id, code=code, by=by, purpose=purpose, reason=reason[:255]
    )
    return code.code


def _hand_over_modem(*, modem: Device, code: EligibilityCode, by) -> None:
    """The modem becomes the participant's: available -> given_away, claimed by one conditional UPDATE."""
    if modem.organization_id != code.organization_id:
        raise _bad_input("does_not_exist", "modem", _("This object does not exist in the organisation."))
    if modem.kind != DeviceKind.MODEM_4G:
        raise _bad_input("modem_kind", "modem", _("This device is not a 4G modem."))
    claimed = device_move(
        device=modem,
        from_status=DeviceStatus.AVAILABLE,
        to_status=DeviceStatus.GIVEN_AWAY,
        action="give_away",
        by=by,
        note=_("Given with internet code %(code)s") % {"code": code.masked_code},
    )
    if not claimed:
        raise DomainError(
            "device_not_available",
            _("This modem is not available."),
            fields={"modem": [_("This modem is not available.")]},
        )
    modem.refresh_from_db()
    Device.history.bulk_history_create([modem], update=True, default_user=by)


@transaction.atomic
def code_assign(
    *,
    code: EligibilityCode,
    participant,
    eligibility_basis: str,
    by,
    household_ref: str = "",
    modem: Device | None = None,
    recheck_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> EligibilityCode:
    """Give an available code to one participant.

    Guarantees: the code goes to one person only (conditional UPDATE from `available`); an expired
    code is refused; in a one-per-household programme a household holds at most one assigned or
    activated code (checked here and by a partial unique index); a participant holds at most one per
    programme. The basis is a category, never a national register number.
    """
    today = today or timezone.localdate()
    programme = code.programme
    _active_participant(participant, code.organization_id)
    if eligibility_basis not in EligibilityBasis.values:
        raise _bad_input("invalid_choice", "eligibility_basis", _("Choose a category of eligibility."))
    household_ref = normalize_household_ref(household_ref)
    try:
        refuse_national_number(household_ref)
    except Exception as exc:
        raise _bad_input("national_number", "household_ref", exc.messages[0]) from exc
    if programme.one_per_household and not household_ref:
        raise _bad_input(
            "household_required", "household_ref", _("This programme is one per household: name the household.")
        )
    if code.status != CodeStatus.AVAILABLE:
        raise _code_not_available(code)
    if code.expires_on and code.expires_on < today:
        raise DomainError("code_expired", _("This code has expired."), fields={"code": []})
    held = EligibilityCode.objects.held().filter(programme=programme).exclude(pk=code.pk)
    if held.filter(participant=participant).exists():
        raise DomainError(
            "participant_has_code",
            _("This participant already has a code of this programme."),
            fields={"participant": [_("This participant already has a code of this programme.")]},
        )
    if (
        programme.one_per_household
        and held.filter(organization_id=code.organization_id, household_ref=household_ref).exists()
    ):
        raise DomainError(
            "household_has_code",
            _("This household already has a code of this programme (one per household)."),
            fields={"household_ref": [_("This household already has a code of this programme.")]},
        )
    if recheck_on is None and programme.recheck_interval_months:
        recheck_on = add_months(today, programme.recheck_interval_months)
    values = {
        "status": CodeStatus.ASSIGNED,
        "status_changed_at": timezone.now(),
        "participant": participant,
        "eligibility_basis": eligibility_basis,
        "household_ref": household_ref,
        "household_exclusive": programme.one_per_household,
        "assigned_at": timezone.now(),
        "assigned_by": by,
        "recheck_on": recheck_on,
        "modem": modem,
        "modem_handover": ModemHandover.GIVEN if modem else ModemHandover.NONE,
    }
    try:
        with transaction.atomic():
            moved = _transition(code, allowed_from=[CodeStatus.AVAILABLE], values=values, by=by, reason="assign")
    except IntegrityError as exc:  # a concurrent assignment to the same household or person won
        raise DomainError(
            "household_has_code",
            _("This household already has a code of this programme (one per household)."),
            fields={"household_ref": [_("This household already has a code of this programme.")]},
        ) from exc
    if not moved:
        raise _code_not_available(code)
    if modem is not None:
        _hand_over_modem(modem=modem, code=code, by=by)
    return code


def code_assign_next(
    *,
    pack,
    organization_id: int,
    participant,
    eligibility_basis: str,
    by,
    household_ref: str = "",
    modem: Device | None = None,
) -> EligibilityCode:
    """Give the pack's next available code of the organisation (the one expiring first) to the participant.

    The desk's way: nobody picks a code by hand. Two desks at once each get their own code: a code taken
    meanwhile (`code_assign`'s conditional UPDATE fails) makes this try the next one, a few times."""
    today = timezone.localdate()
    for _attempt in range(5):
        code = (
            EligibilityCode.objects.filter(organization_id=organization_id, pack=pack, status=CodeStatus.AVAILABLE)
            .exclude(expires_on__lt=today)
            .select_related("programme", "pack", "organization")
            .order_by(models.F("expires_on").asc(nulls_last=True), "id")
            .first()
        )
        if code is None:
            raise DomainError(
                "no_code_available",
                _("No code of this pack is left: import the provider's next batch."),
                fields={"pack": [_("No code of this pack is left: import the provider's next batch.")]},
            )
        try:
            return code_assign(
                code=code,
                participant=participant,
                eligibility_basis=eligibility_basis,
                household_ref=household_ref,
                modem=modem,
                by=by,
            )
        except DomainError as error:
            if error.code != "code_not_available":
                raise
    raise DomainError("code_not_available", _("Codes are being given out at another desk: try again."))


@transaction.atomic
def code_activate(*, code: EligibilityCode, by, activated_on: datetime.date | None = None) -> EligibilityCode:
    """The participant became the provider's customer: assigned -> activated."""
    today = timezone.localdate()
    activated_on = activated_on or today
    if activated_on > today:
        raise _bad_input("date_in_future", "activated_on", _("The activation date cannot be in the future."))
    if code.assigned_at and activated_on < timezone.localdate(code.assigned_at):
        raise _bad_input("date_before_assignment", "activated_on", _("The code was not assigned yet on that date."))
    if not _transition(
        code,
        allowed_from=[CodeStatus.ASSIGNED],
        values={"status": CodeStatus.ACTIVATED, "status_changed_at": timezone.now(), "activated_on": activated_on},
        by=by,
        reason="activate",
    ):
        raise DomainError("code_not_assigned", _("Only an assigned code can be activated."), fields={"code": []})
    return code


@transaction.atomic
def code_revoke(*, code: EligibilityCode, reason: str, by) -> EligibilityCode:
    """Withdraw a code (lost letter, not eligible any more...); the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise _bad_input("reason_required", "reason", _("Say why the code is revoked."))
    if not _transition(
        code,
        allowed_from=[CodeStatus.AVAILABLE, *CODE_HELD_STATUSES],
        values={"status": CodeStatus.REVOKED, "status_changed_at": timezone.now(), "revoked_reason": reason[:255]},
        by=by,
        reason="revoke",
    ):
        raise DomainError("code_closed", _("This code is already expired or revoked."), fields={"code": []})
    _close_recheck_tasks(code, by=by, outcome=_("Code revoked: %(reason)s") % {"reason": reason[:150]})
    return code


def _close_recheck_tasks(code: EligibilityCode, *, by, outcome: str) -> None:
    StaffTask.objects.open().filter(kind=StaffTaskKind.CODE_RECHECK, key__startswith=f"code_recheck:{code.pk}:").update(
        done_at=timezone.now(), done_by=by, outcome=outcome
    )


@transaction.atomic
def code_recheck_record(
    *, code: EligibilityCode, still_eligible: bool, by, reason: str = "", today: datetime.date | None = None
) -> EligibilityCode:
    """Record a re-check: still eligible moves the next re-check date on; not eligible revokes the code."""
    today = today or timezone.localdate()
    if code.status not in CODE_HELD_STATUSES:
        raise DomainError("code_not_held", _("Only a code someone holds can be re-checked."), fields={"code": []})
    if not still_eligible:
        return code_revoke(code=code, reason=reason or _("No longer eligible at re-check."), by=by)
    interval = code.programme.recheck_interval_months
    if not interval:
        raise DomainError("no_recheck", _("This programme has no re-checks."), fields={"code": []})
    next_on = add_months(today, interval)
    if not _transition(code, allowed_from=CODE_HELD_STATUSES, values={"recheck_on": next_on}, by=by, reason="recheck"):
        raise DomainError("code_not_held", _("Only a code someone holds can be re-checked."), fields={"code": []})
    _close_recheck_tasks(code, by=by, outcome=_("Still eligible; next re-check on %(date)s.") % {"date": next_on})
    return code


def codes_expire_due(*, today: datetime.date | None = None, chunk: int = 1000) -> int:
    """Available or assigned codes past their expiry date become expired. Idempotent.

    Works in chunks: one conditional UPDATE per chunk (a code assigned meanwhile is not touched
    unless it also expired) and one bulk insert of history rows.
    """
    today = today or timezone.localdate()
    open_statuses = [CodeStatus.AVAILABLE, CodeStatus.ASSIGNED]
    done = 0
    while True:
        ids = list(EligibilityCode.objects.expiring(before=today).values_list("pk", flat=True)[:chunk])
        if not ids:
            return done
        with transaction.atomic():
            now = timezone.now()
            done += EligibilityCode.objects.filter(pk__in=ids, status__in=open_statuses, expires_on__lt=today).update(
                status=CodeStatus.EXPIRED, status_changed_at=now
            )
            expired = list(EligibilityCode.objects.filter(pk__in=ids, status=CodeStatus.EXPIRED, status_changed_at=now))
            EligibilityCode.history.bulk_history_create(expired, update=True, default_change_reason="expire")


def code_recheck_tasks_ensure(*, today: datetime.date | None = None) -> int:
    """A staff task per held code whose re-check date is near; one task per code and date, however often run."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=RECHECK_NOTICE_DAYS)
    due = (
        EligibilityCode.objects.held()
        .filter(recheck_on__isnull=False, recheck_on__lte=horizon)
        .select_related("organization", "participant", "programme")
    )
    count = 0
    for code in due.iterator(chunk_size=500):
        staff_task_ensure(
            organization=code.organization,
            kind=StaffTaskKind.CODE_RECHECK,
            key=f"code_recheck:{code.pk}:{code.recheck_on.isoformat()}",
            title=_("Re-check eligibility of %(name)s for %(programme)s")
            % {"name": code.participant.display_name, "programme": code.programme.name},
            due_on=code.recheck_on,
            participant=code.participant,
            related=code,
        )
        count += 1
    return count


def _sms_queue():
    """Messaging's queue, on a floor above (core.ports); None where messaging is not installed."""
    return ports.sms_queue if ports.sms_queue.provided else None


@transaction.atomic
def code_deliver_sms(*, code: EligibilityCode, by) -> str:
    """Queue an SMS with the code to its participant after commit; returns the idempotency key.

    Each explicit request is a new message; retries of the same request reuse its key, so the
    messaging app sends it at most once.
    """
    sms_queue = _sms_queue()
    if sms_queue is None:
        raise DomainError("sms_unavailable", _("Sending SMS is not available on this installation."))
    if code.status not in CODE_HELD_STATUSES or code.participant is None:
        raise DomainError("code_not_held", _("Only an assigned code can be sent."), fields={"code": []})
    participant = code.participant
    if not participant.phone:
        raise DomainError(
            "no_phone", _("This participant has no mobile number."), fields={"participant": [_("No mobile number.")]}
        )
    if not participant.sms_consent:
        raise DomainError(
            "no_sms_consent",
            _("This participant did not agree to receive SMS: print the letter instead."),
            fields={"participant": [_("No SMS consent.")]},
        )
    sends = CodeRevealLog.objects.filter(code=code, purpose="sms").count()
    code_reveal(code=code, by=by, purpose="sms")
    key = f"connectivity:code:{code.pk}:participant:{participant.pk}:{sends + 1}"
    context = {
        "code": code.code,
        "programme": code.programme.name,
        "provider": code.programme.provider,
        "pack": code.pack.name,
        "activation_url": code.programme.activation_url,
        "activation_phone": code.programme.activation_phone,
        "organization": code.organization.name,
    }
    organization = code.organization
    transaction.on_commit(
        lambda: sms_queue(
            organization=organization,
            participant=participant,
            template="code_delivery",
            context=context,
            idempotency_key=key,
            related=code,
        )
    )
    return key


def code_letter(*, code: EligibilityCode, by) -> bytes:
    """The printable letter with the code and activation steps, in the participant's language (logged)."""
    from ..letters import render_code_letter

    if code.status not in CODE_HELD_STATUSES or code.participant is None:
        raise DomainError("code_not_held", _("Only an assigned code can be printed."), fields={"code": []})
    with transaction.atomic():
        code_reveal(code=code, by=by, purpose="letter")
    return render_code_letter(code)
