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
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inventory.choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus
from organizations.choices import AgeBand, Gender

from .selectors import PORTFOLIO_FIGURES, SUPPRESSED

NOT_SHOWN = "–"
COUNT, EUR, PERCENT, RATIO, HOURS = "count", "EUR", "percent", "ratio", "hours"
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


def _hours(value) -> Cell:
    if value is None:
        return Cell(None, HOURS, True, NOT_SHOWN)
    return Cell(float(value), HOURS, False, f"{show(value)} h")


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
    centre = report["centre_use"]
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
                [_("People reached (a loan, a session, a code or a cheque)"), _count(people["reached"])],
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
            "key": "centre_use",
            "title": _("Use in the centre"),
            "columns": [figure, count],
            "rows": [
                [_("Sessions in the centre"), _count(centre["sessions"])],
                [_("Hours of use in the centre"), _hours(centre["hours"])],
                [_("People who had a session"), _count(centre["people"])],
                [_("Of whom participants (each counted once)"), _count(centre["participants"])],
                [_("Of whom visitors without a file (each visit counted)"), _count(centre["visitors"])],
                [_("Computers used in the centre"), _count(centre["devices_used"])],
            ]
            + [
                [_("Visitors' age: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(centre["visitors_by_age_band"], AgeBand.choices, unknown)
            ]
            + [
                [_("Visitors' gender: %(label)s") % {"label": label}, value]
                for label, value in _choice_rows(centre["visitors_by_gender"], Gender.choices, unknown)
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


BAR = colors.HexColor("#2f6f8f")
BAR_2 = colors.HexColor("#d08c2e")


def _chart_title(drawing: Drawing, title: str, height: float) -> None:
    drawing.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=10))


def _bar_chart(title: str, rows: list[list]) -> Drawing | None:
    """A horizontal bar chart of the rows' counts (suppressed and zero cells are left out)."""
    data = [(label, cell.value) for label, cell in rows if cell.value]
    if not data:
        return None
    height = 40 + 18 * len(data)
    drawing = Drawing(17 * cm, height)
    _chart_title(drawing, title, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 6 * cm, 10
    chart.width, chart.height = 10 * cm, height - 35
    chart.data = [[value for _label, value in reversed(data)]]
    chart.categoryAxis.categoryNames = [label[:40] for label, _value in reversed(data)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


def _month_chart(report: dict) -> Drawing | None:
    """Loans started and people who started one, per month: two series of bars; a suppressed month is a gap
    (its bar is left out, never drawn from a guess)."""
    months = report.get("by_month") or []
    if len(months) < 2:
        return None
    loans = [row["loans_started"] if _shown(row["loans_started"]) else None for row in months]
    people = [row["people"] if _shown(row["people"]) else None for row in months]
    if not any(loans) and not any(people):
        return None
    height = 6.5 * cm
    drawing = Drawing(17 * cm, height)
    _chart_title(drawing, _("Loans started and people who started one, per month"), height)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.2 * cm, 1.4 * cm
    chart.width, chart.height = 15.5 * cm, height - 2.6 * cm
    chart.data = [[value or 0 for value in loans], [value or 0 for value in people]]
    chart.categoryAxis.categoryNames = [row["month"][2:] for row in months]
    chart.categoryAxis.labels.fontSize = 6 if len(months) > 12 else 7
    chart.categoryAxis.labels.angle = 45 if len(months) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 12 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor, chart.bars[1].fillColor = BAR, BAR_2
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 1.2 * cm, height - 22
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontSize = 7
    legend.colorNamePairs = [(BAR, _("Loans started")), (BAR_2, _("People who started a loan"))]
    drawing.add(legend)
    return drawing


def _shown(cell) -> bool:
    return isinstance(cell, int) and not isinstance(cell, bool)


def _summary_tiles(report: dict, styles) -> list:
    """Page 1's key figures: a big number over its label, three to a row."""
    people, received, use = report["people"], report["devices_received"], report["device_use"]
    rates, codes, cheques = report["rates"], report.get("internet_codes_total") or {}, report["digicheques"]
    ages = ", ".join(
        f"{label}: {show(people['by_age_band'].get(value))}"
        for value, label in AgeBand.choices
        if value in people["by_age_band"]
    )
    centre = report["centre_use"]
    tiles = [
        (show(people["reached"]), _("people reached (a loan, a session, a code or a cheque)")),
        (show(received["count"]), _("devices received")),
        (show(use["lent_for_home_use"]), _("devices lent for use at home")),
        (show(use["given_to_keep"]), _("devices given to keep")),
        (str(_percent(people["women_share"])), _("women among the people reached (where recorded)")),
        (f"{show(people['borrowers'])} / {show(centre['people'])}", _("people at home / in the centre")),
        (f"{show(centre['sessions'])} ({_hours(centre['hours'])})", _("sessions in the centre (hours of use)")),
        (show(centre["devices_used"]), _("computers used in the centre")),
        (show(codes.get("assigned")), _("internet codes handed out")),
        (show(cheques["issued"]), _("digicheques handed out")),
        (show(rates["defective"]), _("defective devices (repaired or in repair)")),
        (f"{show(rates['lost'])} / {show(rates['stolen'])}", _("devices lost / stolen")),
    ]
    number = ParagraphStyle("tile-number", parent=styles["Normal"], fontSize=20, leading=24, textColor=BAR)
    label = ParagraphStyle("tile-label", parent=styles["Normal"], fontSize=8.5, leading=10.5)
    cells = [[_para(value, number), _para(text, label)] for value, text in tiles]
    rows = [cells[index : index + 3] for index in range(0, len(cells), 3)]
    grid = Table(rows, colWidths=[5.6 * cm] * 3, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.25, colors.grey),
                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d6dd")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f7f9")),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story = [grid]
    if ages:
        story += [Spacer(1, 0.25 * cm), _para(_("People reached by age: %(ages)s") % {"ages": ages}, label)]
    return story


def _table(table: dict, styles) -> KeepTogether:
    rows = [[str(cell) for cell in row] for row in table["rows"]]
    grid = Table([table["columns"], *rows], hAlign="LEFT", repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("LEADING", (0, 0), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef2")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    # a table and its title stay together unless the table is longer than a page
    return KeepTogether([_para(table["title"], styles["Heading3"]), grid, Spacer(1, 0.35 * cm)])


class _MeasuredDocument(SimpleDocTemplate):
    """Records how far down each page the content went, to choose a layout without near-empty pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lowest: dict[int, float] = {}

    def afterFlowable(self, flowable):
        if self.frame is None:
            return
        page = self.page
        self.lowest[page] = min(self.lowest.get(page, self.frame._y1 + self.frame._height), self.frame._y)

    def fills(self) -> list[float]:
        top = self.pagesize[1] - self.topMargin
        return [(top - self.lowest[page]) / self.pagesize[1] for page in sorted(self.lowest)]


def report_pdf(report: dict) -> bytes:
    """Page 1: title, scope and the key figures; then the charts of measured figures over the period
    (loans and people per month, devices by status at the end, use by place) and the tables, flowing on
    without page breaks. The charts go before the tables, or after them where that leaves the emptiest
    page fuller (both layouts are built and measured: a few milliseconds each)."""
    best = None
    for charts_first in (True, False):
        buffer = io.BytesIO()
        document = _MeasuredDocument(
            buffer,
            pagesize=A4,
            title=report_title(report),
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=1.6 * cm,
            bottomMargin=1.6 * cm,
        )
        document.build(_story(report, charts_first=charts_first))
        fill = min(document.fills())
        if best is None or fill > best[0] + 0.02:  # the charts first unless the other is clearly fuller
            best = (fill, buffer.getvalue())
    return best[1]


def _story(report: dict, *, charts_first: bool) -> list:
    styles = getSampleStyleSheet()
    scope = report["scope"]
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8.5, leading=10.5)
    story = [
        _para(report_title(report), styles["Title"]),
        _para(
            _("Period: %(start)s to %(end)s") % {"start": report["period"]["start"], "end": report["period"]["end"]},
            styles["Heading3"],
        ),
    ]
    if scope["funder"]:
        story.append(_para(_("Funder: %(name)s") % {"name": scope["funder"]}, styles["Normal"]))
    story.append(_para(_("Organisation: %(name)s") % {"name": scope["organization"]}, styles["Normal"]))
    grants = scope["grants"]
    if grants:
        names = "; ".join(
            f"{grant['name']}" + (f" ({_money(grant['amount'])})" if grant["amount"] else "") for grant in grants
        )
        story.append(_para(_("Grant: %(name)s") % {"name": names}, small))
    if scope["grant_amount"]:
        story.append(_para(_("Grant amount: %(amount)s") % {"amount": _money(scope["grant_amount"])}, small))
    story += [Spacer(1, 0.4 * cm), _para(_("Key figures"), styles["Heading2"]), *_summary_tiles(report, styles)]
    if report["suppressed"]:
        story += [
            Spacer(1, 0.3 * cm),
            _para(suppression_note(), ParagraphStyle("note", parent=small, fontName="Helvetica-Oblique")),
        ]
    generated = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    story.append(_para(_("Made on %(when)s") % {"when": generated}, small))

    tables = report_tables(report)
    by_key = {table["key"]: table for table in tables}
    charts = [
        _month_chart(report),
        _bar_chart(_("Devices by status at the end of the period"), by_key["devices_now"]["rows"][2:]),
        _bar_chart(
            _("Use by place: people"),
            [
                [_("At home (borrowed a device)"), _count(report["people"]["borrowers"])],
                [_("In the centre (had a session)"), _count(report["centre_use"]["people"])],
            ],
        ),
    ]
    charts = [chart for chart in charts if chart is not None]
    drawn = []
    if charts:
        drawn = [Spacer(1, 0.4 * cm), _para(_("Charts"), styles["Heading2"])]
        drawn += [KeepTogether([chart, Spacer(1, 0.4 * cm)]) for chart in charts]
    figures = [_para(_("The figures"), styles["Heading2"]), *(_table(table, styles) for table in tables)]
    return story + (drawn + figures if charts_first else figures + drawn)
