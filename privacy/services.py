"""Writes of the privacy work: anonymise, erase on request, record consent, set the retention period.

Anonymisation is final and idempotent: the `Anonymisation` row (one per participant) is claimed
first, under a lock on the participant, so a second run or a second worker finds it and does nothing.
"""

import datetime
import logging
import secrets

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from connectivity.models import CodeRevealLog, Digicheque, EligibilityCode
from core.errors import DomainError
from loans.models import CentreSession, Loan, Payment, WaitlistEntry, new_public_token
from messaging.choices import BlockedReason, MessageStatus
from messaging.models import OutboundMessage, SmsOptOut, SmsSuppression
from organizations.models import Organization, Participant, StaffTask

from .choices import AnonymisationRule, ConsentChannel, PrivacyAction
from .models import DEFAULT_RETENTION_MONTHS, Anonymisation, ConsentRecord, PrivacyLogEntry, RetentionRule
from .selectors import keeping_records, last_closed_at, participants_past_retention, past_retention, retention_months

logger = logging.getLogger(__name__)

ANONYMISED = "[anonymised]"

# What anonymisation removes, per model: the participant's own row and free text in related rows.
# The same fields are cleared in each model's history table. Kept: ids, dates, statuses, counts,
# age band, gender, language: what funder figures need, linked to no one.
PARTICIPANT_FIELDS = {"display_name": ANONYMISED, "phone": "", "reference": "", "note": ""}
RELATED_FIELDS = {
    "loans": {"note": ""},
    "payments": {"note": ""},
    "waitlist": {"note": ""},
    "codes": {"revoked_reason": ANONYMISED, "household_ref": ""},  # see _anonymise_codes
    "code_reveals": {"reason": ""},
    "digicheques": {"redeemed_purpose": "", "void_reason": ""},
    "staff_tasks": {"title": ANONYMISED, "outcome": ""},
    # a session past the daily limit keeps that it was overridden (the database asks a reason), not why
    "centre_sessions": {"override_reason": ANONYMISED},
    "messages": {"to": "", "body": "", "last_error": "", "provider_id": "", "request_reason": ""},
    "opt_outs": {"phone": "", "keyword": "", "reply_text": ""},
}


def _history(model):
    return model.history.model


def _anonymise_codes(codes) -> None:
    # Both fields have a database rule (a revoked code has a reason; an exclusive code has a household
    # key), so they are replaced, not emptied. The household key is random so the one-per-household
    # rule never ties two anonymised people together.
    codes.exclude(revoked_reason="").update(revoked_reason=ANONYMISED)
    for code_id, exclusive in codes.values_list("id", "household_exclusive"):
        ref = f"anon-{secrets.token_hex(8)}" if exclusive else ""
        EligibilityCode.objects.filter(pk=code_id).update(household_ref=ref)
    history = _history(EligibilityCode).objects.filter(id__in=codes.values("id"))
    history.exclude(revoked_reason="").update(revoked_reason=ANONYMISED)
    history.update(household_ref="", history_change_reason=None)


def _clear(model, rows, fields: dict, *, history_filter: Q) -> int:
    updated = rows.update(**fields) if fields else 0
    _history(model).objects.filter(history_filter).update(**fields)
    return updated


def _scrub(participant: Participant) -> dict[str, int]:
    """Remove the personal data of one participant everywhere, history tables included. Returns row counts."""
    pid = participant.pk
    now = timezone.now()
    loans = Loan.objects.filter(participant_id=pid)
    loan_ids = list(loans.values_list("id", flat=True))
    codes = EligibilityCode.objects.filter(participant_id=pid)
    code_ids = list(codes.values_list("id", flat=True))
    messages = OutboundMessage.objects.filter(participant_id=pid)
    message_ids = list(messages.values_list("id", flat=True))
    counts: dict[str, int] = {}

    Participant.objects.filter(pk=pid).update(**PARTICIPANT_FIELDS, sms_consent=False, is_active=False, updated_at=now)
    Participant.objects.filter(pk=pid, anonymised_at__isnull=True).update(anonymised_at=now)
    _history(Participant).objects.filter(id=pid).update(
        **PARTICIPANT_FIELDS, sms_consent=False, history_change_reason=None
    )

    # The loan card's link dies: a fresh random token, revoked. History keeps no token.
    for loan_id in loan_ids:
        Loan.objects.filter(pk=loan_id).update(public_token=new_public_token(), note="", updated_at=now)
    loans.filter(token_revoked_at__isnull=True).update(token_revoked_at=now)
    _history(Loan).objects.filter(participant_id=pid).update(note="", public_token="", history_change_reason=None)
    counts["loans"] = len(loan_ids)

    counts["payments"] = _clear(
        Payment,
        Payment.objects.filter(loan_id__in=loan_ids),
        RELATED_FIELDS["payments"],
        history_filter=Q(loan_id__in=loan_ids),
    )
    counts["waitlist"] = _clear(
        WaitlistEntry,
        WaitlistEntry.objects.filter(participant_id=pid),
        RELATED_FIELDS["waitlist"],
        history_filter=Q(participant_id=pid),
    )
    counts["codes"] = len(code_ids)
    _anonymise_codes(codes)
    counts["code_reveals"] = CodeRevealLog.objects.filter(code_id__in=code_ids).update(**RELATED_FIELDS["code_reveals"])
    counts["digicheques"] = _clear(
        Digicheque,
        Digicheque.objects.filter(participant_id=pid),
        RELATED_FIELDS["digicheques"],
        history_filter=Q(participant_id=pid),
    )

    counts["centre_sessions"] = CentreSession.objects.filter(participant_id=pid, limit_overridden=True).update(
        **RELATED_FIELDS["centre_sessions"]
    )

    related = Q(participant_id=pid)
    for model, ids in ((Loan, loan_ids), (EligibilityCode, code_ids), (OutboundMessage, message_ids)):
        if ids:
            related |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    task_ids = list(StaffTask.objects.filter(related).values_list("id", flat=True))
    counts["staff_tasks"] = _clear(
        StaffTask,
        StaffTask.objects.filter(id__in=task_ids),
        RELATED_FIELDS["staff_tasks"],
        history_filter=Q(id__in=task_ids),
    )

    # Nothing more goes out to them; what was sent stays counted (template, date, segments), without text.
    messages.filter(status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED, blocked_reason=BlockedReason.INACTIVE, updated_at=now
    )
    counts["messages"] = _clear(
        OutboundMessage, messages, RELATED_FIELDS["messages"], history_filter=Q(id__in=message_ids)
    )
    counts["opt_outs"] = _clear(
        SmsOptOut,
        SmsOptOut.objects.filter(participant_id=pid),
        RELATED_FIELDS["opt_outs"],
        history_filter=Q(participant_id=pid),
    )
    counts["admin_log"] = _scrub_admin_log(
        {
            Participant: [pid],
            Loan: loan_ids,
            EligibilityCode: code_ids,
            OutboundMessage: message_ids,
            StaffTask: task_ids,
            WaitlistEntry: list(WaitlistEntry.objects.filter(participant_id=pid).values_list("id", flat=True)),
            SmsOptOut: list(SmsOptOut.objects.filter(participant_id=pid).values_list("id", flat=True)),
            Digicheque: list(Digicheque.objects.filter(participant_id=pid).values_list("id", flat=True)),
            ConsentRecord: list(ConsentRecord.objects.filter(participant_id=pid).values_list("id", flat=True)),
            Payment: list(Payment.objects.filter(loan_id__in=loan_ids).values_list("id", flat=True)),
        }
    )
    return counts


def _scrub_admin_log(rows: dict) -> int:
    """The admin's "Recent actions" name each object as it was (object_repr): those naming the person go."""
    changed = 0
    for model, ids in rows.items():
        if ids:
            changed += LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
            ).update(object_repr=ANONYMISED)
    return changed


def participants_written_back():
    """Anonymised participants whose row holds personal data again (written back before the write path
    refused it, or by hand in the database): the retention run and erasure anonymise them again."""
    blank = Q(display_name=ANONYMISED, phone="", reference="", note="", is_active=False, sms_consent=False)
    return Participant.objects.filter(anonymised_at__isnull=False).exclude(blank)


def _anonymise_again(participant_id: int, *, by=None) -> bool:
    """Scrub a written-back participant once more (their Anonymisation row stays the first one)."""
    participant = Participant.objects.select_for_update().filter(pk=participant_id).first()
    if participant is None or not participants_written_back().filter(pk=participant_id).exists():
        return False
    counts = _scrub(participant)
    PrivacyLogEntry.objects.create(
        organization_id=participant.organization_id,
        participant_id_ref=participant.pk,
        action=PrivacyAction.ANONYMISE,
        by=by,
        detail={"rule": "written_back", "rows": counts},
    )
    return True


def _anonymise(
    *, participant_id: int, rule: str, by=None, months: int | None = None, check=None
) -> Anonymisation | None:
    """Lock the participant, claim the one Anonymisation row, scrub. None when it was already done."""
    participant = Participant.objects.select_for_update().filter(pk=participant_id).first()
    if participant is None or Anonymisation.objects.filter(participant_id=participant_id).exists():
        return None
    if check is not None:
        check(participant)
    record = Anonymisation.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        rule=rule,
        retention_months=months,
        last_closed_at=last_closed_at(participant),
        by=by,
    )
    counts = _scrub(participant)
    PrivacyLogEntry.objects.create(
        organization_id=participant.organization_id,
        participant_id_ref=participant.pk,
        action=PrivacyAction.ERASE if rule == AnonymisationRule.REQUEST else PrivacyAction.ANONYMISE,
        by=by,
        detail={
            "rule": rule,
            "retention_months": months,
            "fields": {"participant": sorted(PARTICIPANT_FIELDS), **{k: sorted(v) for k, v in RELATED_FIELDS.items()}},
            "rows": counts,
        },
    )
    return record


class _NoLongerDue(Exception):
    pass


def participants_anonymise_due(*, now: datetime.datetime | None = None) -> int:
    """The daily retention run: anonymise every participant past their organisation's retention period.

    Each participant is done in its own transaction; a second run finds nobody (anonymised
    participants are excluded) and changes nothing.
    """
    now = now or timezone.now()
    done = 0
    for organization in Organization.objects.all().select_related("retention_rule").order_by("id"):
        months = retention_months(organization)
        due = past_retention(organization=organization, months=months, now=now)

        def still_due(participant: Participant, due=due) -> None:
            # Under the participant's lock: a loan, code or place given since the list was read keeps the data.
            if not due.filter(pk=participant.pk).exists():
                raise _NoLongerDue

        for participant_id in participants_past_retention(organization=organization, months=months, now=now):
            try:
                with transaction.atomic():
                    record = _anonymise(
                        participant_id=participant_id, rule=AnonymisationRule.RETENTION, months=months, check=still_due
                    )
            except _NoLongerDue:
                continue
            done += record is not None
    for participant_id in participants_written_back().values_list("id", flat=True):
        with transaction.atomic():
            done += _anonymise_again(participant_id)
    if done:
        logger.info("privacy: %s participant(s) anonymised after their retention period", done)
    return done


def _refuse_while_lending(participant: Participant) -> None:
    """Erasure waits until nothing of theirs is open (selectors.KEEPING, the retention run's rule)."""
    refusals = {
        "participant_has_open_loan": _(
            "This person still has an open loan: close the loan first, then erase their data."
        ),
        "participant_has_device": _(
            "A device lent to this person has not come back yet: check it in first, then erase their data."
        ),
        "participant_has_code": _(
            "This person still holds an internet code: revoke or expire it first, then erase their data."
        ),
        "participant_has_digicheque": _(
            "This person still holds an unused digicheque: void it first, then erase their data."
        ),
        "participant_on_waiting_list": _(
            "This person is on the waiting list: cancel their place first, then erase their data."
        ),
    }
    for code, records in keeping_records(participant).items():
        if records.exists():
            raise DomainError(code, refusals[code])


@transaction.atomic
def participant_erase(*, participant: Participant, by) -> Anonymisation:
    """Anonymise one participant now, on their request. Refused while a loan is open, a device is with them, or
    they hold an internet code, an unused digicheque or a waiting-list place.

    The privacy log records who and when, and which fields were cleared, never their values.
    """
    earlier = Anonymisation.objects.filter(participant_id=participant.pk).first()
    if earlier is not None:
        if _anonymise_again(participant.pk, by=by):  # data written back after the first erasure goes too
            return earlier
        raise DomainError("already_anonymised", _("This person's data has already been erased."))
    record = _anonymise(
        participant_id=participant.pk, rule=AnonymisationRule.REQUEST, by=by, check=_refuse_while_lending
    )
    if record is None:  # erased by someone else between the check and the lock
        raise DomainError("already_anonymised", _("This person's data has already been erased."))
    return record


@transaction.atomic
def consent_record(*, participant: Participant, given: bool, channel: str, by=None) -> ConsentRecord:
    """Record SMS consent given or withdrawn and make `Participant.sms_consent` say the same.

    Withdrawing cancels the SMS still queued for the participant. Giving it lifts the number's SMS
    suppression (it had replied STOP somewhere): the person opted in again.
    """
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if Anonymisation.objects.filter(participant_id=locked.pk).exists():
        raise DomainError("already_anonymised", _("This person's data has been erased."))
    if given and not locked.phone:
        raise DomainError(
            "no_phone",
            _("Add a mobile phone number before recording consent to SMS."),
            fields={"given": [_("This person has no phone number.")]},
            status_code=400,
        )
    record = ConsentRecord.objects.create(
        organization_id=locked.organization_id, participant=locked, given=given, channel=channel, recorded_by=by
    )
    if locked.sms_consent != given:
        locked.sms_consent = given
        locked.save(update_fields=["sms_consent", "updated_at"])
    if given:
        SmsSuppression.objects.lift(locked.phone)
    if not given:
        OutboundMessage.objects.filter(participant=locked, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED, blocked_reason=BlockedReason.NO_CONSENT, updated_at=timezone.now()
        )
    participant.sms_consent = given
    return record


def sms_reply_consent(*, participant: Participant, given: bool) -> ConsentRecord:
    """A STOP or START reply by SMS (messaging reads it, through `core.ports.sms_reply_consent`)."""
    return consent_record(participant=participant, given=given, channel=ConsentChannel.SMS_KEYWORD)


def consent_note_change(*, participant: Participant, was: bool | None, by, channel: str = ConsentChannel.STAFF_ENTRY):
    """After staff created or edited a participant: record the consent if it changed (or was given at creation)."""
    if was is None and not participant.sms_consent:
        return None
    if was is not None and was == participant.sms_consent:
        return None
    if participant.sms_consent:
        SmsSuppression.objects.lift(participant.phone)  # opted in again: see consent_record
    return ConsentRecord.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        given=participant.sms_consent,
        channel=channel,
        recorded_by=by,
    )


@transaction.atomic
def retention_set(*, organization: Organization, months: int, by) -> RetentionRule:
    """Set how many months personal data is kept after the last loan, code or cheque closed (1 to 120)."""
    if not 1 <= months <= 120:
        raise DomainError(
            "invalid",
            _("Choose between 1 and 120 months."),
            fields={"months": [_("Choose between 1 and 120 months.")]},
            status_code=400,
        )
    rule, _created = RetentionRule.objects.select_for_update().get_or_create(
        organization=organization, defaults={"months": months}
    )
    previous = DEFAULT_RETENTION_MONTHS if _created else rule.months
    if rule.months != months:
        rule.months = months
        rule.save(update_fields=["months", "updated_at"])
    PrivacyLogEntry.objects.create(
        organization=organization,
        action=PrivacyAction.RETENTION_CHANGE,
        by=by,
        detail={"from": previous, "to": months},
    )
    return rule


def export_logged(*, participant: Participant, by, kind: str) -> None:
    """Every export is in the privacy log (who, when, which format)."""
    PrivacyLogEntry.objects.create(
        organization_id=participant.organization_id,
        participant_id_ref=participant.pk,
        action=PrivacyAction.EXPORT_PDF if kind == "pdf" else PrivacyAction.EXPORT_JSON,
        by=by,
    )
