"""CSV import of devices (a donor's list): a dry run reporting every bad row, then an all-or-nothing commit."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Device, Donor
from .services import device_create

COLUMNS = [
    "asset_tag",
    "kind",
    "make",
    "model",
    "serial",
    "cpu",
    "ram_gb",
    "storage_gb",
    "os",
    "screen_inches",
    "source",
    "donor",
    "grant",
    "intake_date",
    "value",
    "condition",
    "location",
    "accessories",
    "notes",
]
REQUIRED_COLUMNS = ["kind"]
NULLABLE = {"ram_gb", "storage_gb", "screen_inches", "value"}
DEFAULTED = {"source", "condition", "intake_date"}
MAX_ROWS = 20000


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, columns, size): nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    total: int = 0
    errors: list[dict] = field(default_factory=list)  # [{"line": 3, "errors": {"kind": ["..."]}}]
    created: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "errors": self.errors,
        }


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(line number, row) pairs of a UTF-8 CSV (comma or semicolon separated, as spreadsheets save it)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from exc
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if not header:
        raise ImportFileError(_("The file is empty."))
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(unknown)s. Allowed columns: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            raise ImportFileError(_("Line %(line)d has more values than the header.") % {"line": reader.line_num})
        if not any((value or "").strip() for value in row.values()):
            continue
        rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("At most %(max)d rows per file.") % {"max": MAX_ROWS})
    return rows


def _build(organization, row: dict, donors: dict, grants: dict, default_donor) -> Device:
    device = Device(organization=organization)
    errors: dict[str, list[str]] = {}
    for name, value in row.items():
        if name in ("donor", "grant"):
            continue
        if value == "" and (name in NULLABLE or name in DEFAULTED):
            continue
        setattr(device, name, value)
    if row.get("donor"):
        device.donor = donors.get(row["donor"].casefold())
        if device.donor is None:
            errors["donor"] = [_("No donor named “%(name)s” in this organisation.") % {"name": row["donor"]}]
    else:
        device.donor = default_donor
    if row.get("grant"):
        device.grant = grants.get(row["grant"].casefold())
        if device.grant is None:
            errors["grant"] = [_("No grant named “%(name)s” in this organisation.") % {"name": row["grant"]}]
    try:
        device.full_clean(exclude=["asset_tag"] if not device.asset_tag else None)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return device


def import_devices(
    *,
    organization,
    data: bytes,
    by,
    dry_run: bool = True,
    donor: Donor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row; unless `dry_run`, create all devices in one transaction, or none if any row is bad."""
    rows = read_rows(data)
    report = ImportReport(total=len(rows), dry_run=dry_run)
    donors = {d.name.casefold(): d for d in Donor.objects.filter(organization=organization)}
    grants = {g.name.casefold(): g for g in organization.grants.all()}
    devices, seen_tags, seen_serials = [], {}, {}
    for index, (line, row) in enumerate(rows, start=1):
        try:
            device = _build(organization, row, donors, grants, donor)
        except ValidationError as exc:
            report.errors.append({"line": line, "errors": exc.message_dict})
        else:
            duplicate = {}
            if device.asset_tag and device.asset_tag in seen_tags:
                duplicate["asset_tag"] = [_("Same asset tag as line %(line)d.") % {"line": seen_tags[device.asset_tag]}]
            if device.serial and device.serial in seen_serials:
                duplicate["serial"] = [
                    _("Same serial number as line %(line)d.") % {"line": seen_serials[device.serial]}
                ]
            if duplicate:
                report.errors.append({"line": line, "errors": duplicate})
            if device.asset_tag:
                seen_tags.setdefault(device.asset_tag, line)
            if device.serial:
                seen_serials.setdefault(device.serial, line)
            devices.append(device)
        if progress and dry_run:
            progress(index, len(rows))
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        for index, device in enumerate(devices, start=1):
            device_create(device=device, by=by)
            if progress:
                progress(index, len(devices))
    report.created = len(devices)
    return report
