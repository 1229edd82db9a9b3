"""Pages for funder users at /funder/: the grants they fund, with aggregate figures only.

The figures are the funder report's (`reports.services.report_for`, always in its suppressed,
funder-facing version) laid out by `reports.rendering.report_tables`, the code the CSV and PDF use:
the page shows no count of its own. The period is read by the report API's own query serializer.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from organizations.selectors import user_funder_ids
from reports import selectors as report_selectors
from reports import services as report_services
from reports.api.serializers import ReportQuerySerializer
from reports.choices import ReportPeriod
from reports.rendering import report_tables
from reports.selectors import SUPPRESSED

from .. import selectors

REPORT_FORMATS = ("pdf", "csv", "xlsx")
PERIOD_FIELDS = ("period", "year", "number", "period_start", "period_end")


def report_links(url_name: str, pk: int, period: dict | None = None) -> list[tuple[str, str]]:
    """[(format, url)] of the reports app's downloads for the page's period, or [] while that app has no such URL."""
    try:
        url = reverse(url_name, args=[pk])
    except NoReverseMatch:
        return []
    return [(fmt.upper(), f"{url}?{urlencode({'format': fmt, **(period or {})})}") for fmt in REPORT_FORMATS]


def period_errors(errors: dict) -> list[tuple[str, str]]:
    """[(field, message)] of the query serializer's errors, for the page (the field named, as in the API)."""
    return [(field, str(message)) for field, messages in errors.items() for message in messages]


@login_required(login_url="frontend:login")
def funder_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    funder_ids = user_funder_ids(user)
    if not (user.is_superuser or funder_ids):
        return render(request, "frontend/funder/not_funder.html", status=403)
    query = ReportQuerySerializer(data={key: request.GET[key] for key in PERIOD_FIELDS if request.GET.get(key)})
    if not query.is_valid():
        context = {"errors": period_errors(query.errors), "form": request.GET, "grants": [], "funders": []}
        context["periods"] = ReportPeriod.choices
        return render(request, "frontend/funder/home.html", context, status=400)
    grants = list(selectors.funder_grants(user))
    whole_grants = query.validated_data.get("period") == ReportPeriod.GRANT
    if whole_grants:  # each grant's link covers its own period; a funder's figures span its grants'
        start, end = None, None
    else:
        start, end = query.period_for()
        period = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    for grant in grants:
        grant.report_links = report_links("report-grant", grant.pk, {"period": "grant"} if whole_grants else period)
    funders = []
    for funder in report_selectors.report_funders_for_user(user).filter(pk__in=list(funder_ids)).order_by("name"):
        if whole_grants:
            own = [grant for grant in grants if grant.funder_id == funder.pk]
            start = min((grant.starts_on for grant in own), default=timezone.localdate())
            end = max((grant.ends_on for grant in own), default=timezone.localdate())
            period = {"period_start": start.isoformat(), "period_end": end.isoformat()}
        # funder users always get the funder-facing (suppressed) figures, whatever else they may administer
        report = report_services.report_for(user=user, funder=funder, period_start=start, period_end=end, suppress=True)
        funders.append(
            {
                "name": funder.name,
                "report_links": report_links("report-funder", funder.pk, period),
                "report": report,
                "tables": report_tables(report),
            }
        )
    form = {key: request.GET.get(key, "") for key in PERIOD_FIELDS}
    context = {
        "grants": grants,
        "funders": funders,
        "form": form,
        "errors": [],
        "suppressed_mark": SUPPRESSED,
        "periods": ReportPeriod.choices,
    }
    return render(request, "frontend/funder/home.html", context)
