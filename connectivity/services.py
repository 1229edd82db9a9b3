"""Writes on codes and digicheques. Every state change is one conditional UPDATE plus a history row."""

import calendar
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import ports
from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device, RepairTicket
from inventory.services import device_move
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from organizations.services import participant_lock_if_active, staff_task_ensure

from .choices import (
    CODE_HELD_STATUSES,
    CodeStatus,
    DigichequeStatus,
    DigichequeUse,
    EligibilityBasis,
    ModemHandover,
)
from .models import (
    ChequeRevealLog,
    CodeBatch,
    CodeRevealLog,
    ConnectivityProgramme,
    Digicheque,
    DigichequeBatch,
    EligibilityCode,
    refuse_national_number,
)

CSV_COLUMNS = ("code", "pack", "expiry")
MAX_CSV_ROWS = 20_000
MAX_CHEQUES_PER_BATCH = 10_000
RECHECK_NOTICE_DAYS = 14  # a re-check task appears this many days before the re-check date
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,63}$")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _bad_input(code: str, field_name: str, message: str) -> DomainError:
    return DomainError(code, message, fields={field_name: [message]}, status_code=400)


def _transition(obj: Model, *, allowed_from, values: dict, by=None, reason: str = "") -> bool:
    """Move `obj` with one conditional UPDATE; on success refresh it and write its history row."""
    model = type(obj)
    updated = model.objects.filter(pk=obj.pk, status__in=list(allowed_from)).update(**values)
    if not updated:
        obj.refresh_from_db(fields=["status"])
        return False
    obj.refresh_from_db()
    model.history.bulk_history_create([obj], update=True, default_user=by, default_change_reason=reason)
    return True


def _same_organization(obj, organization_id: int, field_name: str) -> None:
    if obj is not None and obj.organization_id != organization_id:
        raise _bad_input("does_not_exist", field_name, _("This object does not exist in the organisation."))


def _active_participant(participant, organization_id: int) -> None:
    _same_organization(participant, organization_id, "participant")
    if not participant_lock_if_active(participant):  # read under the lock the retention run takes
        raise _bad_input("participant_inactive", "participant", _("This participant is no longer active."))


# --- code batches -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    batch: CodeBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(value: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _read_csv(text: str) -> csv.DictReader:
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise _bad_input("csv_invalid", "file", _("The file is not a text CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(CSV_COLUMNS):
        raise _bad_input(
            "csv_columns",
            "file",
            _("The file must have exactly the columns %(expected)s; it has %(found)s.")
            % {"expected": ", ".join(CSV_COLUMNS), "found": ", ".join(header) or _("none")},
        )
    reader.fieldnames = header
    return reader


@transaction.atomic
def code_batch_import(
    *,
    organization,
    programme: ConnectivityProgramme,
    csv_text: str,
    by,
    grant=None,
    reference: str = "",
    dry_run: bool = False,
) -> ImportReport:
    """Import the provider's CSV (code, pack, expiry): all rows or none.

    A dry run checks every row and reports the errors per line without writing. A real run with any
    error writes nothing and raises. Codes already known for the programme, or repeated in the file,
    are errors.
    """
    _same_organization(grant, organization.id, "grant")
    if not programme.is_active:
        raise _bad_input("programme_inactive", "programme", _("This programme no longer accepts codes."))
    reader = _read_csv(csv_text)
    packs = {pack.name.strip().lower(): pack for pack in programme.packs.all()}
    report = ImportReport(dry_run=dry_run)
    parsed: list[tuple[int, str, object, datetime.date | None]] = []
    seen: dict[str, int] = {}
    for line_number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        report.rows += 1
        if report.rows > MAX_CSV_ROWS:
            raise _bad_input("csv_too_long", "file", _("At most %(n)d codes per file.") % {"n": MAX_CSV_ROWS})
        if None in row:
            report.errors.append({"line": line_number, "field": "file", "message": _("This row has too many values.")})
            continue
        code = (row.get("code") or "").strip()
        pack = packs.get((row.get("pack") or "").strip().lower())
        try:
            expires_on = _parse_date(row.get("expiry") or "")
        except ValueError:
            expires_on = None
            report.errors.append(
                {"line": line_number, "field": "expiry", "message": _("Not a date (use 2026-12-31 or 31/12/2026).")}
            )
        if not CODE_RE.match(code):
            report.errors.append(
                {
                    "line": line_number,
                    "field": "code",
                    "message": _("A code is 4 to 64 letters, digits or dashes."),
                }
            )
        elif code in seen:
            report.errors.append(
                {
                    "line": line_number,
                    "field": "code",
                    "message": _("This code is also on line %(line)d.") % {"line": seen[code]},
                }
            )
        else:
            seen[code] = line_number
        if pack is None:
            report.errors.append(
                {
                    "line": line_number,
                    "field": "pack",
                    "message": _("Unknown pack; this programme has %(packs)s.")
                    % {"packs": ", ".join(p.name for p in packs.values())},
                }
            )
        parsed.append((line_number, code, pack, expires_on))
    if report.rows == 0:
        raise _bad_input("csv_empty", "file", _("The file has no codes."))
    known = set(EligibilityCode.objects.filter(programme=programme, code__in=list(seen)).values_list("code", flat=True))
    for line_number, code, _pack, _expiry in parsed:
        if code in known:
            report.errors.append(
                {"line": line_number, "field": "code", "message": _("This code was already imported.")}
            )
    report.errors.sort(key=lambda error: error["line"])
    if dry_run:
        return report
    if report.errors:
        raise DomainError(
            "csv_rows_invalid",
            _("%(n)d row(s) of the file are wrong; nothing was imported.") % {"n": len(report.errors)},
            fields={"file": [f"{e['line']}: {e['field']}: {e['message']}" for e in report.errors]},
            status_code=400,
        )
    batch = CodeBatch.objects.create(
        organization=organization, programme=programme, grant=grant, reference=reference[:120], imported_by=by
    )
    codes = [
        EligibilityCode(
            organization=organization, batch=batch, programme=programme, pack=pack, code=code, expires_on=expires_on
        )
        for _line, code, pack, expires_on in parsed
    ]
    try:
        with transaction.atomic():
            bulk_create_with_history(codes, EligibilityCode, default_user=by)
    except IntegrityError as exc:  # another import of the same codes committed meanwhile
        raise _bad_input("code_duplicate", "file", _("Some of these codes were already imported.")) from exc
    report.batch = batch
    return report


# --- codes --------------------------------------------------------------------------------------


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


def digicheque_reveal(*, cheque: Digicheque, by, reason: str = "") -> str:
    """The cheque's serial in clear; every call leaves a reveal log row."""
    ChequeRevealLog.objects.create(organization_id=cheque.organization_id, cheque=cheque, by=by, reason=reason[:255])
    return cheque.serial


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
    from .letters import render_code_letter

    if code.status not in CODE_HELD_STATUSES or code.participant is None:
        raise DomainError("code_not_held", _("Only an assigned code can be printed."), fields={"code": []})
    with transaction.atomic():
        code_reveal(code=code, by=by, purpose="letter")
    return render_code_letter(code)


# --- digicheques --------------------------------------------------------------------------------


@transaction.atomic
def digicheque_batch_create(
    *,
    organization,
    supplier: str,
    unit_value: Decimal,
    purchase_price: Decimal,
    by,
    serials: list[str] | None = None,
    serial_prefix: str = "",
    first_number: int | None = None,
    last_number: int | None = None,
    purchased_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    grant=None,
) -> DigichequeBatch:
    """A batch and its cheques, from a list of serial numbers or a numbered range; serials are unique."""
    _same_organization(grant, organization.id, "grant")
    if serials and first_number is not None:
        raise _bad_input("serials_ambiguous", "serials", _("Give either a list of serial numbers or a range."))
    if not serials:
        if first_number is None or last_number is None:
            raise _bad_input("serials_required", "serials", _("Give the serial numbers or a range."))
        if last_number < first_number:
            raise _bad_input("range_invalid", "last_number", _("The range ends before it starts."))
        if last_number - first_number + 1 > MAX_CHEQUES_PER_BATCH:
            raise _bad_input(
                "range_too_long", "last_number", _("At most %(n)d cheques per batch.") % {"n": MAX_CHEQUES_PER_BATCH}
            )
        width = len(str(last_number))
        serials = [f"{serial_prefix}{number:0{width}d}" for number in range(first_number, last_number + 1)]
    serials = [serial.strip() for serial in serials]
    if any(not serial or len(serial) > 40 for serial in serials):
        raise _bad_input("serial_invalid", "serials", _("A serial number is 1 to 40 characters."))
    if len(serials) > MAX_CHEQUES_PER_BATCH:
        message = _("At most %(n)d cheques per batch.") % {"n": MAX_CHEQUES_PER_BATCH}
        raise _bad_input("serials_too_many", "serials", message)
    repeated = sorted({serial for serial in serials if serials.count(serial) > 1}) if len(serials) < 2000 else []
    if len(set(serials)) != len(serials):
        raise _bad_input(
            "serial_repeated",
            "serials",
            _("Serial numbers repeated: %(serials)s.") % {"serials": ", ".join(repeated[:10]) or "…"},
        )
    existing = list(
        Digicheque.objects.filter(organization=organization, serial__in=serials).values_list("serial", flat=True)[:10]
    )
    if existing:
        raise _bad_input(
            "serial_exists",
            "serials",
            _("These serial numbers already exist: %(serials)s.") % {"serials": ", ".join(existing)},
        )
    if expires_on and purchased_on and expires_on < purchased_on:
        raise _bad_input("date_order", "expires_on", _("The expiry date is before the purchase date."))
    batch = DigichequeBatch.objects.create(
        organization=organization,
        supplier=supplier,
        unit_value=unit_value,
        purchase_price=purchase_price,
        quantity=len(serials),
        purchased_on=purchased_on or timezone.localdate(),
        expires_on=expires_on,
        grant=grant,
        created_by=by,
    )
    bulk_create_with_history(
        [Digicheque(organization=organization, batch=batch, serial=serial) for serial in serials],
        Digicheque,
        default_user=by,
    )
    return batch


def _cheque_refused(cheque: Digicheque, action: str) -> DomainError:
    messages = {
        DigichequeStatus.ISSUED: _("This digicheque was already handed out."),
        DigichequeStatus.REDEEMED: _("This digicheque was already redeemed."),
        DigichequeStatus.EXPIRED: _("This digicheque has expired."),
        DigichequeStatus.VOID: _("This digicheque was voided."),
        DigichequeStatus.IN_STOCK: _("This digicheque was not handed out yet."),
    }
    return DomainError(f"cheque_cannot_{action}", messages[cheque.status], fields={"cheque": []})


def _check_not_expired(cheque: Digicheque) -> None:
    expires_on = cheque.batch.expires_on
    if expires_on and expires_on < timezone.localdate():
        raise DomainError("cheque_expired", _("This digicheque has expired."), fields={"cheque": []})


@transaction.atomic
def digicheque_issue(*, cheque: Digicheque, participant, by, price_charged: Decimal = Decimal("0")) -> Digicheque:
    """Hand a cheque to a participant, free or at a reduced price (recorded, at most its value)."""
    _active_participant(participant, cheque.organization_id)
    if price_charged is None or price_charged < 0 or price_charged > cheque.batch.unit_value:
        raise _bad_input(
            "price_invalid", "price_charged", _("The price charged is between 0 and the value of the cheque.")
        )
    _check_not_expired(cheque)
    values = {
        "status": DigichequeStatus.ISSUED,
        "status_changed_at": timezone.now(),
        "use": DigichequeUse.PARTICIPANT,
        "participant": participant,
        "price_charged": price_charged,
        "issued_at": timezone.now(),
        "issued_by": by,
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.IN_STOCK], values=values, by=by, reason="issue"):
        raise _cheque_refused(cheque, "issue")
    return cheque


@transaction.atomic
def digicheque_spend(
    *,
    cheque: Digicheque,
    by,
    repair_reference: str = "",
    repair_ticket: RepairTicket | None = None,
    device: Device | None = None,
) -> Digicheque:
    """Use a cheque for the organisation's own repair (an inventory repair ticket, or a reference in words)."""
    if repair_ticket is not None:
        _same_organization(repair_ticket.device, cheque.organization_id, "repair_ticket")
        device = device or repair_ticket.device
        repair_reference = repair_reference or f"#{repair_ticket.pk} {repair_ticket.problem}"
    repair_reference = (repair_reference or "").strip()
    if not repair_reference:
        raise _bad_input("ticket_required", "repair_reference", _("Name the repair ticket."))
    _same_organization(device, cheque.organization_id, "device")
    _check_not_expired(cheque)
    values = {
        "status": DigichequeStatus.ISSUED,
        "status_changed_at": timezone.now(),
        "use": DigichequeUse.REPAIR,
        "repair_reference": repair_reference[:80],
        "repair_ticket": repair_ticket,
        "device": device,
        "price_charged": Decimal("0"),
        "issued_at": timezone.now(),
        "issued_by": by,
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.IN_STOCK], values=values, by=by, reason="spend"):
        raise _cheque_refused(cheque, "spend")
    return cheque


@transaction.atomic
def digicheque_redeem(*, cheque: Digicheque, purpose: str, by, redeemed_on: datetime.date | None = None) -> Digicheque:
    """The help was given and the provider took the cheque: issued -> redeemed, once."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise _bad_input("purpose_required", "purpose", _("Say what the help was for."))
    redeemed_on = redeemed_on or timezone.localdate()
    if redeemed_on > timezone.localdate():
        raise _bad_input("date_in_future", "redeemed_on", _("The date cannot be in the future."))
    values = {
        "status": DigichequeStatus.REDEEMED,
        "status_changed_at": timezone.now(),
        "redeemed_on": redeemed_on,
        "redeemed_purpose": purpose[:255],
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.ISSUED], values=values, by=by, reason="redeem"):
        raise _cheque_refused(cheque, "redeem")
    return cheque


@transaction.atomic
def digicheque_void(*, cheque: Digicheque, reason: str, by) -> Digicheque:
    """Cancel a cheque that was lost or misprinted (not after it was redeemed)."""
    reason = (reason or "").strip()
    if not reason:
        raise _bad_input("reason_required", "reason", _("Say why the cheque is voided."))
    values = {"status": DigichequeStatus.VOID, "status_changed_at": timezone.now(), "void_reason": reason[:255]}
    if not _transition(
        cheque, allowed_from=[DigichequeStatus.IN_STOCK, DigichequeStatus.ISSUED], values=values, by=by, reason="void"
    ):
        raise _cheque_refused(cheque, "void")
    return cheque


def digicheques_expire_due(*, today: datetime.date | None = None, chunk: int = 1000) -> int:
    """Cheques in stock or handed out but not redeemed, past their batch's expiry date, expire. Idempotent."""
    today = today or timezone.localdate()
    open_statuses = [DigichequeStatus.IN_STOCK, DigichequeStatus.ISSUED]
    due = Digicheque.objects.filter(Q(batch__expires_on__lt=today), status__in=open_statuses)
    done = 0
    while True:
        ids = list(due.values_list("pk", flat=True)[:chunk])
        if not ids:
            return done
        with transaction.atomic():
            now = timezone.now()
            done += Digicheque.objects.filter(pk__in=ids, status__in=open_statuses).update(
                status=DigichequeStatus.EXPIRED, status_changed_at=now
            )
            expired = list(
                Digicheque.objects.filter(pk__in=ids, status=DigichequeStatus.EXPIRED, status_changed_at=now)
            )
            Digicheque.history.bulk_history_create(expired, update=True, default_change_reason="expire")
