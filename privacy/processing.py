"""The record of processing: every personal field Lendwise keeps, why, who sees it and how long.

One list, shown at /desk/privacy/, served at /api/v1/privacy/processing/ and summarised in docs/privacy.md.
`tests/privacy/test_processing.py` fails when a Participant field is missing from it.
"""

from django.utils.translation import gettext_lazy as _

MEMBERS = _("staff, volunteers and administrators of the organisation")
STAFF_ADMINS = _("staff and administrators of the organisation (not volunteers)")
ADMINS = _("administrators of the organisation")
RETENTION = _("until the retention period is over (default 24 months after the last loan, code or cheque closed)")
KEPT_UNLINKED = _("kept without the person's name, for the figures")

FIELDS = [
    ("participant", "display_name", _("name"), _("to recognise the person at the desk"), MEMBERS, RETENTION),
    (
        "participant",
        "phone",
        _("mobile phone"),
        _("SMS reminders and codes, only with consent; to call about a late device"),
        MEMBERS,
        RETENTION,
    ),
    (
        "participant",
        "preferred_language",
        _("language"),
        _("to write to the person in their language"),
        MEMBERS,
        KEPT_UNLINKED,
    ),
    (
        "participant",
        "sms_consent",
        _("SMS consent and its history"),
        _("proof that the person agreed to SMS, or withdrew"),
        MEMBERS,
        KEPT_UNLINKED,
    ),
    ("participant", "reference", _("reference"), _("the organisation's own file number"), MEMBERS, RETENTION),
    (
        "participant",
        "note",
        _("note"),
        _("practical notes for the desk (no health or legal status)"),
        MEMBERS,
        RETENTION,
    ),
    ("participant", "age_band", _("age band"), _("funders' figures (people reached by age)"), MEMBERS, KEPT_UNLINKED),
    ("participant", "gender", _("gender"), _("funders' figures (share of women)"), MEMBERS, KEPT_UNLINKED),
    (
        "participant",
        "is_active, anonymised_at, created_at, updated_at",
        _("dates and status"),
        _("to know when the retention period ends; funders' figures"),
        MEMBERS,
        KEPT_UNLINKED,
    ),
    (
        "loan",
        "started_on, due_on, closed_at, items, payments, note",
        _("loans, devices, payments and loan notes"),
        _("to lend and take back devices; accounts; funders' figures"),
        MEMBERS,
        _("notes: until the retention period is over; dates and devices: kept without the person's name"),
    ),
    (
        "loan",
        "public_token",
        _("loan card link (random)"),
        _("so the person can check their loan without an account"),
        _("anyone holding the card; it carries no name"),
        _("until the loan card is revoked; revoked at anonymisation"),
    ),
    (
        "eligibility_code",
        "code, household_ref, eligibility_basis",
        _("internet code, household key and basis of eligibility"),
        _("one code per household, as the programme requires"),
        _("code in clear: staff and administrators, each time logged; the rest: members"),
        RETENTION,
    ),
    (
        "digicheque",
        "serial, issued_at, redeemed_purpose",
        _("digicheques given"),
        _("to hand out and account for cheques"),
        MEMBERS,
        _("purpose: until the retention period is over; the rest: kept without the person's name"),
    ),
    (
        "outbound_message",
        "to, body",
        _("SMS sent (number and text)"),
        _("to know what was sent and whether it arrived"),
        MEMBERS,
        _("number and text: until the retention period is over; date and kind: kept for the monthly count"),
    ),
    ("sms_opt_out", "phone, keyword", _("STOP replies"), _("never to send SMS again after STOP"), MEMBERS, RETENTION),
    (
        "sms_opt_out",
        "reply_text",
        _("the words of a STOP reply"),
        _("what the person asked, kept when the STOP answered this organisation only"),
        STAFF_ADMINS,
        RETENTION,
    ),
    (
        "sms_suppression",
        "phone",
        _("numbers that replied STOP (for the whole installation)"),
        _("no SMS to the number from any organisation until it opts in again"),
        _("no organisation (the installation only)"),
        _("until the number opts in again"),
    ),
    (
        "staff_task",
        "title, outcome",
        _("follow-up tasks"),
        _("to call or visit about a late device, re-check eligibility"),
        MEMBERS,
        RETENTION,
    ),
    (
        "history",
        "*",
        _("change history of all the above"),
        _("who changed what and when"),
        STAFF_ADMINS,
        _("anonymised together with the person"),
    ),
    (
        "privacy_log",
        "action, by, at",
        _("exports and erasures"),
        _("to show that requests were answered"),
        ADMINS,
        _("kept; holds no personal values"),
    ),
]


def processing_record() -> dict:
    return {
        "controller": str(_("each organisation, for its own participants")),
        "legal_basis": str(
            _("legitimate interest in lending and following up devices; consent for SMS, which can be withdrawn")
        ),
        "fields": [
            {
                "model": model,
                "fields": names,
                "what": str(what),
                "why": str(why),
                "who_can_see": str(who),
                "how_long": str(how_long),
            }
            for model, names, what, why, who, how_long in FIELDS
        ],
        "not_kept": str(_("no national register number, no residence status, no health data")),
        "requests": str(
            _("export (JSON, PDF) and erasure on request, by an administrator; SMS consent withdrawn by STOP")
        ),
    }
