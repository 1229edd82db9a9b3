"""The report PDF an annual report can use: page 1 holds the key figures, charts of measured figures follow,
then the tables, and no page is left near-empty. Each page is rendered to PNG (pypdfium2) and its inked
height measured: at least a third of the page on every page, for a month and for a year, in nl, fr and en.
The PNGs are kept in test-artifacts/ to look at."""

import datetime
import io

import numpy
import pypdfium2
import pytest
from django.utils import translation
from pypdf import PdfReader

from organizations.models import Funder, Grant
from reports import selectors
from reports.rendering import report_pdf

from .conftest import END, START
from .test_api import pdf_text

pytestmark = pytest.mark.django_db
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"


def page_fill(content: bytes, name: str) -> list[float]:
    """For each page: the share of the page's height between its first and last row with ink."""
    ARTIFACTS.mkdir(exist_ok=True)
    fills = []
    for number, page in enumerate(pypdfium2.PdfDocument(content), start=1):
        image = page.render(scale=1).to_pil().convert("L")
        image.save(ARTIFACTS / f"{name}-page{number}.png")
        inked = numpy.where((numpy.asarray(image) < 200).any(axis=1))[0]
        fills.append(0.0 if not len(inked) else (inked[-1] - inked[0]) / image.height)
    return fills


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("months", [1, 12])
def test_every_page_is_at_least_a_third_full(funder_user, programme_data, language, months):
    grants = Grant.objects.filter(funder=Funder.objects.get(users=funder_user))
    start = START if months == 1 else datetime.date(START.year, 1, 1)
    end = END if months == 1 else datetime.date(START.year, 12, 31)
    with translation.override(language):
        report = selectors.grant_report(grants=grants, period_start=start, period_end=end, suppress=True, kind="funder")
        content = report_pdf(report)
    fills = page_fill(content, f"report-{language}-{months}m")
    print(f"\n{language}, {months} month(s): {len(fills)} pages, filled {[round(float(fill), 2) for fill in fills]}")
    assert len(fills) >= 2
    assert min(fills) >= 1 / 3, fills


def test_page_one_is_the_summary_of_the_key_figures(funder_user, programme_data):
    grant = programme_data["grant"]
    with translation.override("en"):
        report = selectors.grant_report(
            grants=Grant.objects.filter(pk=grant.pk), period_start=START, period_end=END, suppress=True
        )
        content = report_pdf(report)
    page_one = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    for label in (
        "people reached",
        "devices received",
        "devices lent for use at home",
        "devices given to keep",
        "women among the people reached",
        "internet codes handed out",
        "digicheques handed out",
        "defective devices",
        "devices lost / stolen",
        "People reached by age",
    ):
        assert label in page_one, label
    assert str(report["devices_received"]["count"]) in page_one
    assert "Loans started and people who started one, per month" not in page_one or len(report["by_month"]) > 1


def test_a_period_of_one_month_has_no_month_chart_and_a_year_has_twelve_bars(funder_user, programme_data):
    grant = programme_data["grant"]
    year = selectors.grant_report(
        grants=Grant.objects.filter(pk=grant.pk),
        period_start=datetime.date(START.year, 1, 1),
        period_end=datetime.date(START.year, 12, 31),
        suppress=False,
    )
    assert [row["month"] for row in year["by_month"]] == [f"{START.year}-{month:02d}" for month in range(1, 13)]
    assert sum(row["loans_started"] for row in year["by_month"]) == year["loans"]["started"] > 0
    with translation.override("en"):
        assert "per month" in pdf_text(report_pdf(year))
        month = selectors.grant_report(
            grants=Grant.objects.filter(pk=grant.pk), period_start=START, period_end=END, suppress=False
        )
        assert "per month" not in pdf_text(report_pdf(month))


def test_a_bad_period_is_refused_before_any_pdf_is_made(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(
        f"/api/v1/reports/grants/{programme_data['grant'].pk}/",
        {"period_start": END.isoformat(), "period_end": START.isoformat(), "format": "pdf"},
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "period_end" in response.json()["fields"]
