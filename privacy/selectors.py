"""Reads of the privacy work: who is past retention, what is held about one participant."""

import datetime
import operator
from functools import reduce

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from connectivity.choices import CODE_HELD_STATUSES, DigichequeStatus
from connectivity.models import Digicheque, EligibilityCode
from loans.choices import LoanStatus, WaitlistStatus
from loans.models import CentreSession, CohortMember, Loan, LoanItem, Payment, WaitlistEntry
from messaging.models import OutboundMessage, SmsOptOut
from organizations.models import Organization, Participant, StaffTask
from organizations.permissions import Action, can
from organizations.selectors import participants_for_user, scope_to_user

from .models import DEFAULT_RETENTION_MONTHS, Anonymisation, ConsentRecord, PrivacyLogEntry

CLOSED_CHEQUE_STATUSES = (DigichequeStatus.REDEEMED, DigichequeStatus.EXPIRED, DigichequeStatus.VOID)


def retention_months(organization: Organization) -> int:
    try:
        return organization.retention_rule.months
    except Organization.retention_rule.RelatedObjectDoesNotExist:
        return DEFAULT_RETENTION_MONTHS


def retention_cutoff(*, months: int, now: datetime.datetime) -> datetime.datetime:
    """Anything that closed before this moment is older than the retention period."""
    return now - relativedelta(months=months)


# What keeps a participant's data, per kind of record: the record still open, or (for the retention run) closed
# or created after the cut-off. (code an erasure is refused with, model, the participant's lookup, still open,
# the moments after which a closed record is recent.) The one statement of the rule for the run, the "kept
# until" date and erasure.
KEEPING = [
    ("participant_has_open_loan", Loan, "participant", Q(status=LoanStatus.ACTIVE), ("closed_at",)),
    ("participant_has_device", LoanItem, "loan__participant", Q(closed_at__isnull=True), ()),
    ("participant_has_code", EligibilityCode, "participant", Q(status__in=CODE_HELD_STATUSES), ("status_changed_at",)),
    (
        "participant_has_digicheque",
        Digicheque,
        "participant",
        ~Q(status__in=CLOSED_CHEQUE_STATUSES),
        ("status_changed_at",),
    ),
    (
        "participant_on_waiting_list",
        WaitlistEntry,
        "participant",
        Q(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]),
        ("closed_at", "created_at"),
    ),
]


def keeping_records(person, cutoff: datetime.datetime | None = None) -> dict[str, QuerySet]:
    """The participant's records that keep their data, by KEEPING code: each still open or, with a cut-off,
    closed or created after it. `person`: a participant or an OuterRef."""
    records = {}
    for code, model, lookup, still_open, moments in KEEPING:
        condition = still_open
        if cutoff is not None:
            condition = reduce(operator.or_, [Q(**{f"{moment}__gte": cutoff}) for moment in moments], condition)
        records[code] = model.objects.filter(condition, **{lookup: person})
    return records


def past_retention(*, organization: Organization, months: int, now: datetime.datetime) -> QuerySet[Participant]:
    """The organisation's participants whose data must now be anonymised.

    Past retention: registered before the cut-off, not anonymised yet, nothing still open (loan, device,
    held code, issued cheque, waiting-list place) and nothing that closed after the cut-off. A
    participant who never borrowed anything counts from the day they were registered.
    """
    cutoff = retention_cutoff(months=months, now=now)
    queryset = Participant.objects.filter(organization=organization, created_at__lt=cutoff, anonymisation__isnull=True)
    for records in keeping_records(OuterRef("pk"), cutoff).values():
        queryset = queryset.exclude(Exists(records))
    return queryset


def participants_past_retention(*, organization: Organization, months: int, now: datetime.datetime) -> list[int]:
    """Ids of past_retention, in id order."""
    return list(
        past_retention(organization=organization, months=months, now=now).order_by("id").values_list("id", flat=True)
    )


def holds_something_open(participant: Participant) -> bool:
    """Whether a loan, a device, a code, a cheque or a waiting-list place of theirs is still open: their data
    is then kept whatever the retention period (the same rule as the retention run's)."""
    return any(records.exists() for records in keeping_records(participant).values())


def last_closed_at(participant: Participant) -> datetime.datetime | None:
    """When the participant's last loan, code, cheque or waiting-list place closed (None: never had one)."""
    moments = [
        Loan.objects.filter(participant=participant).aggregate(at=Max("closed_at"))["at"],
        EligibilityCode.objects.filter(participant=participant)
        .exclude(status__in=CODE_HELD_STATUSES)
        .aggregate(at=Max("status_changed_at"))["at"],
        Digicheque.objects.filter(participant=participant, status__in=CLOSED_CHEQUE_STATUSES).aggregate(
            at=Max("status_changed_at")
        )["at"],
        WaitlistEntry.objects.filter(participant=participant).aggregate(at=Max("closed_at"))["at"],
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


def retention_due_on(participant: Participant) -> datetime.date | None:
    """The day this participant's data will be anonymised if nothing new happens (None: something is open)."""
    if holds_something_open(participant):
        return None
    start = last_closed_at(participant) or participant.created_at
    return timezone.localdate(start + relativedelta(months=retention_months(participant.organization)))


def participant_for_admin(user, participant_id) -> Participant:
    """The participant if the user may see them (else 404); the caller checks the admin role (403)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(participants_for_user(user), pk=participant_id)


def is_privacy_admin(user, participant: Participant) -> bool:
    return can(user, participant.organization_id, Action.MANAGE)


def privacy_log_for_user(user) -> QuerySet[PrivacyLogEntry]:
    return scope_to_user(PrivacyLogEntry.objects.select_related("by", "organization"), user)


def consent_records_for(participant: Participant) -> QuerySet[ConsentRecord]:
    return participant.consent_records.select_related("recorded_by")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def participant_export(participant: Participant) -> dict:
    """Everything held about one participant, in plain values: profile, consents, loans (items,
    payments), waiting list, internet codes (masked), digicheques, SMS sent, staff tasks.

    A test checks that every model pointing at Participant appears here, so a new one cannot be forgotten.
    """
    anonymisation = Anonymisation.objects.filter(participant=participant).first()
    loans = (
        Loan.objects.filter(participant=participant)
        .select_related("policy", "cohort", "checked_out_by", "checked_in_by")
        .prefetch_related("items__device", "calls")
        .order_by("started_on", "id")
    )
    payments = Payment.objects.filter(loan__participant=participant).order_by("received_on", "id")
    return {
        "exported_at": timezone.now().isoformat(),
        "organization": participant.organization.name,
        "profile": {
            "id": participant.pk,
            "name": participant.display_name,
            "phone": participant.phone.as_e164 if participant.phone else "",
            "preferred_language": participant.preferred_language,
            "sms_consent": participant.sms_consent,
            "reference": participant.reference,
            "note": participant.note,
            "age_band": participant.age_band,
            "gender": participant.gender,
            "active": participant.is_active,
            "created_at": _iso(participant.created_at),
            "updated_at": _iso(participant.updated_at),
            "anonymised_at": _iso(anonymisation.at) if anonymisation else None,
            "data_kept_until": _iso(retention_due_on(participant)) if not anonymisation else None,
        },
        "consents": [
            {
                "given": record.given,
                "channel": record.channel,
                "recorded_at": _iso(record.recorded_at),
                "recorded_by": _user(record.recorded_by),
            }
            for record in consent_records_for(participant).order_by("recorded_at", "id")
        ],
        "sms_opt_outs": [
            {
                "received_at": _iso(o.received_at),
                "channel": o.channel,
                "text": o.reply_text or o.keyword,  # the person's own words, when their organisation kept them
                "phone": str(o.phone),
            }
            for o in SmsOptOut.objects.filter(participant=participant).order_by("received_at", "id")
        ],
        "loans": [
            {
                "id": loan.pk,
                "status": loan.status,
                "policy": loan.policy.name,
                "course": loan.cohort.name if loan.cohort else None,
                "started_on": _iso(loan.started_on),
                "due_on": _iso(loan.due_on),
                "closed_at": _iso(loan.closed_at),
                "renewals": loan.renewals_count,
                "fee_amount": str(loan.fee_amount),
                "deposit_amount": str(loan.deposit_amount),
                "agreement_signed_at": _iso(loan.agreement_signed_at),
                "note": loan.note,
                "checked_out_by": _user(loan.checked_out_by),
                "items": [
                    {
                        "device": item.device.asset_tag,
                        "kind": item.device.kind,
                        "make_model": f"{item.device.make} {item.device.model}".strip(),
                        "accessories": item.accessories,
                        "returned_at": _iso(item.closed_at),
                        "condition_on_return": item.return_condition,
                    }
                    for item in loan.items.all()
                ],
                # What staff noted when they called about the loan.
                "calls": [
                    {"at": _iso(call.at), "outcome": call.outcome, "note": call.note, "next_on": _iso(call.next_on)}
                    for call in loan.calls.all()
                ],
            }
            for loan in loans
        ],
        "courses": [
            {
                "course": member.cohort.name,
                "starts_on": _iso(member.cohort.starts_on),
                "ends_on": _iso(member.cohort.ends_on),
                "added_at": _iso(member.added_at),
            }
            for member in CohortMember.objects.filter(participant=participant).select_related("cohort")
        ],
        "centre_sessions": [
            {
                "device": session.device.asset_tag,
                "started_at": _iso(session.started_at),
                "ended_at": _iso(session.ended_at or session.ends_at),
                "override_reason": session.override_reason,
            }
            for session in CentreSession.objects.filter(participant=participant)
            .select_related("device")
            .order_by("started_at", "id")
        ],
        "payments": [
            {
                "loan": payment.loan_id,
                "kind": payment.kind,
                "amount": str(payment.amount),
                "method": payment.method,
                "received_on": _iso(payment.received_on),
                "refunded_at": _iso(payment.refunded_at),
                "note": payment.note,
            }
            for payment in payments
        ],
        "waiting_list": [
            {
                "device_kind": entry.device_kind,
                "status": entry.status,
                "added_at": _iso(entry.created_at),
                "closed_at": _iso(entry.closed_at),
                "note": entry.note,
            }
            for entry in WaitlistEntry.objects.filter(participant=participant).order_by("created_at", "id")
        ],
        "internet_codes": [
            {
                "programme": code.programme.name,
                "pack": code.pack.name,
                "code": code.masked_code,
                "status": code.status,
                "eligibility_basis": code.eligibility_basis,
                "household_ref": code.household_ref,
                "assigned_at": _iso(code.assigned_at),
                "activated_on": _iso(code.activated_on),
                "expires_on": _iso(code.expires_on),
                "recheck_on": _iso(code.recheck_on),
                "revoked_reason": code.revoked_reason,
                "modem": code.modem.asset_tag if code.modem else None,
            }
            for code in EligibilityCode.objects.filter(participant=participant)
            .select_related("programme", "pack", "modem")
            .order_by("assigned_at", "id")
        ],
        "digicheques": [
            {
                "serial": cheque.serial,
                "status": cheque.status,
                "supplier": cheque.batch.supplier,
                "issued_at": _iso(cheque.issued_at),
                "price_charged": str(cheque.price_charged) if cheque.price_charged is not None else None,
                "redeemed_on": _iso(cheque.redeemed_on),
                "purpose": cheque.redeemed_purpose,
            }
            for cheque in Digicheque.objects.filter(participant=participant)
            .select_related("batch")
            .order_by("issued_at", "id")
        ],
        "messages": [
            {
                "template": message.template,
                "language": message.language,
                "to": message.to,
                "text": message.body,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in OutboundMessage.objects.filter(participant=participant).order_by("created_at", "id")
        ],
        "staff_tasks": [
            {
                "kind": task.kind,
                "title": task.title,
                "due_on": _iso(task.due_on),
                "done_at": _iso(task.done_at),
                "outcome": task.outcome,
            }
            for task in StaffTask.objects.filter(participant=participant).order_by("due_on", "id")
        ],
    }
