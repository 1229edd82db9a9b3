"""Writes on SMS messages. The database is the queue; see OutboundMessage for the guarantees.

By subject: hours, outbound (build and queue), sending, reminders, replies (delivery reports, STOP and START).
The package re-exports every name of its modules, so `from messaging import services` keeps working.
"""

from .hours import (  # noqa: F401
    in_sending_hours,
    local_today,
    organization_zone,
    sending_hours,
)
from .outbound import (  # noqa: F401
    _BELGIAN_MOBILE,
    _MOBILE_TYPES,
    SEND_TASK,
    _build,
    _enqueue_send,
    _language,
    _raw_phone,
    _recipient,
    classify_number,
    loan_card_url,
    organization_phone,
    organization_wordings,
    recipient_problem,
    sms_queue,
    sms_send_after_commit,
)
from .reminders import (  # noqa: F401
    _candidate_due_dates,
    _catch_up_days,
    _reminder_shift,
    loan_reminder_again,
    reminder_again_key,
    reminder_key,
    reminder_offset_due,
    reminders_create_due,
)
from .replies import (  # noqa: F401
    _HANDED_OVER,
    _STATUS_FROM,
    START_KEYWORDS,
    STOP_KEYWORDS,
    _reply_participants,
    _reply_text,
    _words,
    inbound_number,
    is_start_keyword,
    is_stop_keyword,
    message_status_report,
    reply_keyword,
    reply_organizations,
    reply_window,
    sms_opt_in_record,
    sms_opt_out_record,
    sms_reply_record,
)
from .sending import (  # noqa: F401
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    _obsolete,
    _review_task,
    _transition,
    message_resend,
    message_send,
    messages_mark_stale,
    messages_send_due,
)
from .wordings import (  # noqa: F401, E402
    PLACEHOLDERS,
    Preview,
    example_context,
    wording_check,
    wording_current,
    wording_default,
    wording_preview,
    wording_reset,
    wording_save,
)
