"""Writes on codes and digicheques. Every state change is one conditional UPDATE plus a history row.

The package re-exports every name of its modules, so `from connectivity import services` keeps working.
"""

from ._common import add_months
from .code_batches import CODE_RE, CSV_COLUMNS, MAX_CSV_ROWS, ImportReport, code_batch_import
from .codes import (
    RECHECK_NOTICE_DAYS,
    _sms_queue,
    code_activate,
    code_assign,
    code_assign_next,
    code_deliver_sms,
    code_letter,
    code_recheck_record,
    code_recheck_tasks_ensure,
    code_reveal,
    code_revoke,
    codes_expire_due,
    normalize_household_ref,
)
from .digicheques import (
    MAX_CHEQUES_PER_BATCH,
    digicheque_batch_create,
    digicheque_issue,
    digicheque_redeem,
    digicheque_reveal,
    digicheque_spend,
    digicheque_void,
    digicheques_expire_due,
)

__all__ = [
    "CODE_RE",
    "CSV_COLUMNS",
    "MAX_CHEQUES_PER_BATCH",
    "MAX_CSV_ROWS",
    "RECHECK_NOTICE_DAYS",
    "ImportReport",
    "_sms_queue",
    "add_months",
    "code_activate",
    "code_assign",
    "code_batch_import",
    "code_deliver_sms",
    "code_letter",
    "code_recheck_record",
    "code_recheck_tasks_ensure",
    "code_reveal",
    "code_revoke",
    "code_assign_next",
    "codes_expire_due",
    "digicheque_batch_create",
    "digicheque_issue",
    "digicheque_redeem",
    "digicheque_reveal",
    "digicheque_spend",
    "digicheque_void",
    "digicheques_expire_due",
    "normalize_household_ref",
]
