"""Importing a provider's code batch from its CSV file."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.errors import DomainError

from ..models import CodeBatch, ConnectivityProgramme, EligibilityCode
from ._common import _bad_input, _same_organization

CSV_COLUMNS = ("code", "pack", "expiry")
MAX_CSV_ROWS = 20_000
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,63}$")


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
