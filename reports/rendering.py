"""CSV, XLSX and PDF renderings of the report dict: all read the same `report_tables(report)`, so their
figures are the JSON's. Labels are translated in the active language (nl, fr, en).

Each figure is a `Cell`: its number (None when suppressed), its unit (count, EUR or percent) and whether it is
suppressed; its text ("<5", "–", "75.00 EUR", "42.5 %") is what the PDF and the /funder/ page print. The CSV
and the XLSX carry the number, the unit and the suppression flag in their own columns, for analysts.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inventory.choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus
from organizations.choices import AgeBand, Gender

from .selectors import PORTFOLIO_FIGURES, SUPPRESSED

NOT_SHOWN = "–"
COUNT, EUR, PERCENT, RATIO = "count", "EUR", "percent", "ratio"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show(value) -> str:
    """One figure as text, identical in the CSV and the PDF."""
    if value is None:
        return NOT_SHOWN
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


@dataclass(frozen=True)
class Cell:
    """One figure of a table: `value` is a number, or None when it is suppressed ("<5", or left out)."""

    value: int | float | Decimal | None
    unit: str
    suppressed: bool
    text: str

    def __str__(self) -> str:
        return self.text


def _count(value) -> Cell:
    if value is None or value == SUPPRESSED:
        return Cell(None, COUNT, True, show(value))
    return Cell(int(value), COUNT, False, show(value))


def _percent(value) -> Cell:
    if value is None:
        return Cell(None, PERCENT, True, NOT_SHOWN)
    return Cell(float(value), PERCENT, False, f"{show(value)} %")


def _ratio(value) -> Cell:
    if value is None:
        return Cell(None, RATIO, True, NOT_SHOWN)
    return Cell(float(value), RATIO, False, show(value))


def _money(value) -> Cell:
    if value is None:
        return Cell(None, EUR, True, NOT_SHOWN)
    return Cell(Decimal(value), EUR, False, f"{value} EUR")


def _choice_rows(values: dict, choices, extra: dict | None = None) -> list[list]:
    labels = {**dict(choices), **(extra or {})}
    return [[str(labels.get(key, key)), _count(value)] for key, value in values.items()]


def report_title(report: dict) -> str:
    kind = report["scope"]["kind"]
    if kind == "organization":
        return _("Stock report of %(name)s") % {"name": report["scope"]["organization"]}
    if kind == "funder":
        return _("Stock report for %(name)s") % {"name": report["scope"]["funder"]}
    grant = report["scope"]["grants"][0]["name"] if report["scope"]["grants"] else ""
    return _("Stock report of the grant %(name)s") % {"name": grant}


def report_tables(report: dict) -> list[dict]:
    """The report as titled tables: {"key", "title", "columns", "rows"}; a row is its label, then `Cell`s."""
    received, now, loans = report["devices_received"], report["devices_now"], report["loans"]
    people, use, rates, cheques = report["people"], report["device_use"], report["rates"], report["digicheques"]
    figure, count = _("Figure"), _("Number")
    unknown = {"unknown": _("Not recorded")}
    tables = [
        {
            "key": "devices_received",
            "title": _("Devices received in the period"),
            "columns": [figure, count],
            "rows": [
                [_("Devices received"), _count(received["count"])],
                [_("Value of the devices received"), _money(received["value"])],
            ]
            + [
                [_("Kind: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(received["by_kind"], DeviceKind.choices)
            ]
            + [
                [_("Source: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(received["by_source"], DeviceSource.choices)
            ]
            + [
                [_("Condition: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(received["by_condition"], ConditionGrade.choices)
            ],
        },
        {
            "key": "devices_now",
            "title": _("All devices and their status today"),
            "columns": [figure, count],
            "rows": [
                [_("Devices in total"), _count(now["count"])],
                [_("Value of all devices"), _money(now["value"])],
            ]
            + _choice_rows(now["by_status"], DeviceStatus.choices),
        },
        {
            "key": "loans",
            "title": _("Loans"),
            "columns": [figure, count],
            "rows": [
                [_("Loans started in the period"), _count(loans["started"])],
                [_("Loans returned in the period"), _count(loans["returned"])],
                [_("Loans overdue in the period"), _count(loans["overdue"])],
                [_("Loans closed as lost or written off"), _count(loans["lost_or_written_off"])],
                [_("Devices given to keep (loan-to-own)"), _count(loans["given_to_keep"])],
                [_("Loans still open at the end of the period"), _count(loans["open_at_end"])],
            ],
        },
        {
            "key": "people",
            "title": _("People reached"),
            "columns": [figure, count],
            "rows": [
                [_("People reached (a loan, a code or a cheque)"), _count(people["reached"])],
                [_("People who borrowed a device"), _count(people["borrowers"])],
                [_("Share of women (where recorded)"), _percent(people["women_share"])],
            ]
            + [
                [_("Age: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(people["by_age_band"], AgeBand.choices, unknown)
            ]
            + [
                [_("Gender: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(people["by_gender"], Gender.choices, unknown)
            ],
        },
        {
            "key": "device_use",
            "title": _("How the devices were used"),
            "columns": [figure, count],
            "rows": [
                [_("Lent for use at home"), _count(use["lent_for_home_use"])],
                [_("Given to keep"), _count(use["given_to_keep"])],
                [_("People reached per device lent"), _ratio(use["people_per_device"])],
            ],
        },
        {
            "key": "rates",
            "title": _("Defective, lost and stolen devices"),
            "columns": [figure, count, _("Share")],
            "rows": [
                [
                    _("Defective (repaired or in repair)"),
                    _count(rates["defective"]),
                    _percent(rates["defective_share"]),
                ],
                [_("Lost"), _count(rates["lost"]), _percent(rates["lost_share"])],
                [_("Stolen"), _count(rates["stolen"]), _percent(rates["stolen_share"])],
            ],
        },
        {
            "key": "internet_codes",
            "title": _("Internet codes"),
            "columns": [_("Programme and pack"), _("Assigned"), _("Activated"), _("Monthly price of packs assigned")],
            "rows": [
                [
                    f"{row['programme']} {row['pack']}",
                    _count(row["assigned"]),
                    _count(row["activated"]),
                    _money(row["monthly_value"]),
                ]
                for row in report["internet_codes"]
            ]
            or [[_("No codes assigned or activated in the period"), _count(0), _count(0), _money("0.00")]],
        },
        {
            "key": "digicheques",
            "title": _("Digicheques"),
            "columns": [figure, count],
            "rows": [
                [_("Cheques issued"), _count(cheques["issued"])],
                [_("Value of cheques issued"), _money(cheques["issued_value"])],
                [_("Paid by participants"), _money(cheques["price_charged"])],
                [_("Cheques redeemed"), _count(cheques["redeemed"])],
                [_("Value of cheques redeemed"), _money(cheques["redeemed_value"])],
                [_("Cheques in stock today"), _count(cheques["in_stock"])],
            ],
        },
    ]
    if "portfolio" in report:  # a funder's report: a row per grant, before the totals
        tables.insert(
            0,
            {
                "key": "portfolio",
                "title": _("The grants one by one"),
                "columns": [
                    _("Grant"),
                    _("Devices received"),
                    _("Loans started"),
                    _("People reached"),
                    _("Internet codes assigned"),
                    _("Cheques issued"),
                ],
                "rows": [
                    [f"{row['name']} ({row['organization']})", *(_count(row[figure]) for figure in PORTFOLIO_FIGURES)]
                    for row in report["portfolio"]
                ],
            },
        )
    return tables


def _measure(column: str, cell: Cell) -> str:
    """The CSV's and XLSX's "Measure": the table's column, except that an amount in a "Number" column is an amount."""
    if cell.unit == EUR and column == _("Number"):
        return _("Amount")
    return column


def report_figures(report: dict) -> list[dict]:
    """One row per figure, as the CSV and the XLSX list them: section, figure, measure, then the cell."""
    return [
        {
            "key": table["key"],
            "section": table["title"],
            "figure": row[0],
            "measure": _measure(column, cell),
            "cell": cell,
        }
        for table in report_tables(report)
        for row in table["rows"]
        for column, cell in zip(table["columns"][1:], row[1:], strict=True)
    ]


def csv_header() -> list[str]:
    return [_("Section"), _("Figure"), _("Measure"), "value", "unit", "suppressed", _("Shown as")]


def _csv_value(cell: Cell) -> str:
    if cell.value is None:
        return ""
    return f"{cell.value:.2f}" if isinstance(cell.value, Decimal) else show(cell.value)


def report_csv(report: dict) -> bytes:
    """One line per figure: section, figure, measure, then `value` (a plain number, empty when suppressed),
    `unit` (count, EUR, percent, ratio), `suppressed` (true/false) and the text the PDF shows. UTF-8 with a
    BOM so spreadsheets read accents; the period is the first line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header())
    writer.writerow(
        [
            _("Report"),
            report_title(report),
            _("Period"),
            "",
            "",
            "",
            f"{report['period']['start']} – {report['period']['end']}",
        ]
    )
    for row in report_figures(report):
        cell = row["cell"]
        writer.writerow(
            [
                row["section"],
                row["figure"],
                row["measure"],
                _csv_value(cell),
                cell.unit,
                str(cell.suppressed).lower(),
                cell.text,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    clean = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()[:31] or "Sheet"
    name, number = clean, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = clean[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def report_xlsx(report: dict) -> bytes:
    """The CSV's rows in a workbook: a first sheet with the report's title, period and how small numbers are
    hidden, then one sheet per section with the same columns; values are numbers (empty when suppressed)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    taken: set[str] = set()
    about.title = _sheet_title(_("Report"), taken)
    about.append([report_title(report)])
    about["A1"].font = Font(bold=True, size=14)
    about.append([_("Period"), report["period"]["start"], report["period"]["end"]])
    about.append([_("Organisation"), report["scope"]["organization"]])
    if report["scope"]["funder"]:
        about.append([_("Funder"), report["scope"]["funder"]])
    if report["suppressed"]:
        about.append([suppression_note()])
    about.column_dimensions["A"].width = 40
    header = csv_header()
    sheets = {}
    for row in report_figures(report):
        sheet = sheets.get(row["key"])
        if sheet is None:
            sheet = sheets[row["key"]] = book.create_sheet(_sheet_title(row["section"], taken))
            sheet.append(header[1:])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.column_dimensions["A"].width = 48
            sheet.column_dimensions["B"].width = 24
            sheet.freeze_panes = "A2"
        cell = row["cell"]
        value = float(cell.value) if isinstance(cell.value, Decimal) else cell.value
        sheet.append([row["figure"], row["measure"], value, cell.unit, cell.suppressed, cell.text])
        if cell.unit == EUR and value is not None:
            sheet.cell(row=sheet.max_row, column=3).number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def suppression_note() -> str:
    return _(
        "To protect the people concerned, numbers from 1 to 4 are shown as %(mark)s. Shares and sums "
        "of money computed from them are left out (%(none)s), and so is one more figure of a "
        "breakdown where the total would give a hidden number away. This report names nobody."
    ) % {"mark": SUPPRESSED, "none": NOT_SHOWN}


# --- PDF ----------------------------------------------------------------------------------------


def _para(text: str, style) -> Paragraph:
    """A paragraph of plain text: names and "<5" must not be read as reportlab markup."""
    return Paragraph(escape(text), style)


def _bar_chart(title: str, rows: list[list]) -> Drawing | None:
    """A horizontal bar chart of the rows' counts (suppressed cells are left out)."""
    data = [(label, cell.value) for label, cell in rows if cell.value]
    if not data:
        return None
    height = 40 + 18 * len(data)
    drawing = Drawing(16 * cm, height)
    drawing.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 6 * cm, 10
    chart.width, chart.height = 9 * cm, height - 35
    chart.data = [[value for _label, value in reversed(data)]]
    chart.categoryAxis.categoryNames = [label[:40] for label, _value in reversed(data)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2f6f8f")
    drawing.add(chart)
    return drawing


def report_pdf(report: dict) -> bytes:
    """Cover page, one table per section, and bar charts of the status, age and use figures."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=report_title(report), leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm
    )
    scope = report["scope"]
    story = [
        Spacer(1, 5 * cm),
        _para(report_title(report), styles["Title"]),
        _para(
            _("Period: %(start)s to %(end)s") % {"start": report["period"]["start"], "end": report["period"]["end"]},
            styles["Heading3"],
        ),
    ]
    if scope["funder"]:
        story.append(_para(_("Funder: %(name)s") % {"name": scope["funder"]}, styles["Normal"]))
    story.append(_para(_("Organisation: %(name)s") % {"name": scope["organization"]}, styles["Normal"]))
    for grant in scope["grants"]:
        amount = f" ({_money(grant['amount'])})" if grant["amount"] else ""
        story.append(_para(_("Grant: %(name)s") % {"name": f"{grant['name']}{amount}"}, styles["Normal"]))
    if scope["grant_amount"]:
        story.append(_para(_("Grant amount: %(amount)s") % {"amount": _money(scope["grant_amount"])}, styles["Normal"]))
    story.append(Spacer(1, 1 * cm))
    if report["suppressed"]:
        story.append(_para(suppression_note(), styles["Italic"]))
    generated = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    story += [_para(_("Made on %(when)s") % {"when": generated}, styles["Normal"]), PageBreak()]

    tables = report_tables(report)
    for table in tables:
        story.append(_para(table["title"], styles["Heading2"]))
        rows = [[str(cell) for cell in row] for row in table["rows"]]
        grid = Table([table["columns"], *rows], hAlign="LEFT", repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef2")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [grid, Spacer(1, 0.5 * cm)]

    by_key = {table["key"]: table for table in tables}
    charts = [
        _bar_chart(_("Devices by status today"), by_key["devices_now"]["rows"][2:]),
        _bar_chart(
            _("People reached by age"),
            [row for row in by_key["people"]["rows"] if row[0].startswith(_("Age: %(label)s") % {"label": ""})],
        ),
        _bar_chart(_("How the devices were used"), by_key["device_use"]["rows"][:2]),
    ]
    charts = [chart for chart in charts if chart is not None]
    if charts:
        story.append(PageBreak())
        story.append(_para(_("Charts"), styles["Heading2"]))
        for chart in charts:
            story += [chart, Spacer(1, 0.6 * cm)]
    document.build(story)
    return buffer.getvalue()
