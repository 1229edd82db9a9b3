"""The readable export: everything held about one participant, as a PDF in their language.

The same dict as the JSON export (`selectors.participant_export`), printed section by section. Arabic
goes through the code letter's right-to-left layout (shaped, reordered per line, DejaVu Sans).
"""

from django.utils import dateparse, formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connectivity.choices import CodeStatus, DigichequeStatus, EligibilityBasis
from connectivity.letters import blocks_pdf, letter_language
from inventory.texts import device_label  # the participant's words for device kinds, nl/fr/en/ar
from loans.choices import CallOutcome, LoanStatus, PaymentKind, PaymentMethod, ReturnCondition, WaitlistStatus
from messaging.choices import MessageStatus, OptOutChannel
from organizations.choices import AgeBand, Gender, StaffTaskKind

from .choices import ConsentChannel

SECTIONS = [
    ("profile", gettext_lazy("About you")),
    ("consents", gettext_lazy("Your consent to SMS")),
    ("sms_opt_outs", gettext_lazy("Your STOP replies")),
    ("loans", gettext_lazy("Your loans")),
    ("payments", gettext_lazy("Your payments")),
    ("waiting_list", gettext_lazy("Waiting list")),
    ("courses", gettext_lazy("Your courses")),
    ("centre_sessions", gettext_lazy("Your sessions on our computers")),
    ("internet_codes", gettext_lazy("Your internet codes")),
    ("digicheques", gettext_lazy("Your digicheques")),
    ("messages", gettext_lazy("SMS we sent you")),
    ("staff_tasks", gettext_lazy("Follow-up by our staff")),
]

LABELS = {
    "id": gettext_lazy("Number"),
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Phone"),
    "preferred_language": gettext_lazy("Language"),
    "sms_consent": gettext_lazy("Agrees to receive SMS"),
    "reference": gettext_lazy("Reference"),
    "note": gettext_lazy("Note"),
    "age_band": gettext_lazy("Age band"),
    "gender": gettext_lazy("Gender"),
    "active": gettext_lazy("Active"),
    "created_at": gettext_lazy("Registered or created on"),
    "updated_at": gettext_lazy("Last changed on"),
    "anonymised_at": gettext_lazy("Anonymised on"),
    "data_kept_until": gettext_lazy("Kept until (if nothing new happens)"),
    "given": gettext_lazy("Consent given"),
    "channel": gettext_lazy("How"),
    "recorded_at": gettext_lazy("Recorded on"),
    "recorded_by": gettext_lazy("Recorded by"),
    "received_at": gettext_lazy("Received on"),
    "text": gettext_lazy("Text"),
    "status": gettext_lazy("Status"),
    "policy": gettext_lazy("Rules"),
    "course": gettext_lazy("Course"),
    "started_on": gettext_lazy("Start date"),
    "due_on": gettext_lazy("Due date"),
    "closed_at": gettext_lazy("Closed on"),
    "renewals": gettext_lazy("Renewals"),
    "fee_amount": gettext_lazy("Fee (EUR)"),
    "deposit_amount": gettext_lazy("Deposit (EUR)"),
    "agreement_signed_at": gettext_lazy("Agreement signed on"),
    "checked_out_by": gettext_lazy("Lent by"),
    "items": gettext_lazy("Devices"),
    "device": gettext_lazy("Device"),
    "kind": gettext_lazy("Kind"),
    "make_model": gettext_lazy("Make and model"),
    "accessories": gettext_lazy("Accessories"),
    "returned_at": gettext_lazy("Returned on"),
    "condition_on_return": gettext_lazy("Condition on return"),
    "loan": gettext_lazy("Loan"),
    "amount": gettext_lazy("Amount (EUR)"),
    "method": gettext_lazy("Paid by"),
    "received_on": gettext_lazy("Received on"),
    "refunded_at": gettext_lazy("Refunded on"),
    "device_kind": gettext_lazy("Device kind"),
    "added_at": gettext_lazy("Added on"),
    "programme": gettext_lazy("Programme"),
    "pack": gettext_lazy("Pack"),
    "code": gettext_lazy("Code"),
    "eligibility_basis": gettext_lazy("Why you are eligible"),
    "household_ref": gettext_lazy("Household"),
    "assigned_at": gettext_lazy("Given on"),
    "activated_on": gettext_lazy("Activated on"),
    "expires_on": gettext_lazy("Valid until"),
    "recheck_on": gettext_lazy("Eligibility checked again on"),
    "revoked_reason": gettext_lazy("Reason for revoking"),
    "modem": gettext_lazy("Modem"),
    "serial": gettext_lazy("Serial number"),
    "supplier": gettext_lazy("Supplier"),
    "issued_at": gettext_lazy("Given on"),
    "price_charged": gettext_lazy("Price paid (EUR)"),
    "redeemed_on": gettext_lazy("Used on"),
    "purpose": gettext_lazy("Used for"),
    "template": gettext_lazy("Kind of message"),
    "language": gettext_lazy("Language"),
    "to": gettext_lazy("Sent to"),
    "sent_at": gettext_lazy("Sent on"),
    "title": gettext_lazy("Task"),
    "done_at": gettext_lazy("Done on"),
    "outcome": gettext_lazy("Outcome"),
    "started_at": gettext_lazy("Started at"),
    "ended_at": gettext_lazy("Ended at"),
    "override_reason": gettext_lazy("Why it was allowed past the daily limit"),
}


# (section, key) -> the words the PDF prints instead of a device kind's stored value.
DEVICE_KINDS = {("loans", "kind"), ("waiting_list", "device_kind")}

# (section, key) -> choices whose labels the PDF prints instead of the stored value. Their Arabic is in this
# app's Arabic catalogue (choice_labels.py marks them): the other apps speak to staff only.
CHOICES = {
    ("profile", "age_band"): AgeBand,
    ("profile", "gender"): Gender,
    ("consents", "channel"): ConsentChannel,
    ("sms_opt_outs", "channel"): OptOutChannel,
    ("loans", "status"): LoanStatus,
    ("loans", "condition_on_return"): ReturnCondition,
    ("payments", "kind"): PaymentKind,
    ("payments", "method"): PaymentMethod,
    ("waiting_list", "status"): WaitlistStatus,
    ("internet_codes", "status"): CodeStatus,
    ("internet_codes", "eligibility_basis"): EligibilityBasis,
    ("digicheques", "status"): DigichequeStatus,
    ("messages", "status"): MessageStatus,
    ("staff_tasks", "kind"): StaffTaskKind,
    ("loans", "outcome"): CallOutcome,  # a loan's calls
}


def _when(text: str, *, with_time: bool = True) -> str | None:
    """An ISO date or date-time of the export as the participant reads dates (Brussels time), else None."""
    try:
        moment = dateparse.parse_datetime(text)
        if moment is not None:
            local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return formats.date_format(local, "DATETIME_FORMAT" if with_time else "DATE_FORMAT")
        day = dateparse.parse_date(text)
    except ValueError:
        return None
    return formats.date_format(day, "DATE_FORMAT") if day is not None else None


def _value(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value in (None, ""):
        return "–"
    return (isinstance(value, str) and _when(value)) or str(value)


def _lines(row: dict, *, section: str, indent: str = "") -> list[tuple[str, str]]:
    blocks = []
    for key, value in row.items():
        label = str(LABELS.get(key, key))
        if isinstance(value, list):
            blocks.append(("body", f"{indent}{label}:"))
            for sub in value:
                blocks += _lines(sub, section=section, indent=indent + "   ")
            continue
        choices = CHOICES.get((section, key))
        if (section, key) in DEVICE_KINDS and value:
            value = device_label(value)
        elif choices is not None and value:
            value = dict(choices.choices).get(value, value)
        blocks.append(("body", f"{indent}{label}: {_value(value)}"))
    return blocks


def export_blocks(data: dict) -> list[tuple[str, str]]:
    blocks = [
        ("org", data["organization"]),
        ("heading", _("Everything we keep about you")),
        ("body", _("Made on %(date)s at your request.") % {"date": _when(data["exported_at"], with_time=False)}),
    ]
    for key, title in SECTIONS:
        rows = data[key] if isinstance(data[key], list) else [data[key]]
        blocks.append(("heading", str(title)))
        if not rows:
            blocks.append(("body", _("Nothing.")))
        for row in rows:
            blocks += _lines(row, section=key)
            blocks.append(("space", ""))
    blocks.append(("body", _("Internet codes are shown in part only; ask us to see a whole code.")))
    return blocks


def export_pdf(*, participant, data: dict) -> bytes:
    """The export as a PDF in the participant's language (nl, fr, en, ar; others get French)."""
    language = letter_language(participant)
    with translation.override(language):
        title = _("Everything we keep about you")
        return blocks_pdf(export_blocks(data), title=title, author=data["organization"], language=language)
