"""The organisation's own report at the desk (/desk/reports/): the funder report of everything it holds, for
a month, a quarter, a year or custom dates, with its downloads and each grant's report for the same period.

The figures are `reports.services.report_for`'s, as in the API: exact for the organisation's admins, the
funder-facing (suppressed) version for staff and volunteers. The period is read by the API's serializer."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from core.errors import DomainError
from organizations.models import Grant
from reports import selectors as report_selectors
from reports import services as report_services
from reports.api.serializers import ReportQuerySerializer
from reports.choices import ReportPeriod
from reports.rendering import report_tables
from reports.selectors import SUPPRESSED

from ..views.funder import PERIOD_FIELDS, period_errors, report_links
from .access import member_required

DESK_PERIODS = [choice for choice in ReportPeriod.choices if choice[0] != ReportPeriod.GRANT]


@member_required
def organization_report(request: HttpRequest) -> HttpResponse:
    organizations = list(report_selectors.report_organizations_for_user(request.user).order_by("name"))
    wanted = request.GET.get("organization")
    if wanted:
        organization = next((org for org in organizations if str(org.pk) == wanted), None)
        if organization is None:
            raise Http404  # another organisation's report, or no such organisation
    else:
        organization = organizations[0] if organizations else None
    if organization is None:
        raise Http404
    form = {key: request.GET.get(key, "") for key in PERIOD_FIELDS}
    context = {
        "organizations": organizations,
        "organization": organization,
        "form": form,
        "periods": DESK_PERIODS,
        "suppressed_mark": SUPPRESSED,
        "active": "reports",
        "errors": [],
    }
    query = ReportQuerySerializer(data={key: value for key, value in form.items() if value})
    errors = None if query.is_valid() else query.errors
    if errors is None:
        try:
            start, end = query.period_for(grant=None)
        except ValidationError as error:  # a grant's period asked for a whole organisation
            errors = error.detail
    if errors is not None:
        context["errors"] = period_errors(errors)
        return render(request, "frontend/desk/reports/organization.html", context, status=400)
    try:
        report = report_services.report_for(
            user=request.user, organization=organization, period_start=start, period_end=end
        )
    except DomainError as error:
        context["errors"] = period_errors(error.fields or {"period": [error.message]})
        return render(request, "frontend/desk/reports/organization.html", context, status=400)
    period = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    grants = list(Grant.objects.filter(organization=organization).select_related("funder").order_by("-starts_on"))
    for grant in grants:
        grant.report_links = report_links("report-grant", grant.pk, period)
        grant.whole_links = report_links("report-grant", grant.pk, {"period": "grant"})
    context.update(
        report=report,
        tables=report_tables(report),
        grants=grants,
        report_links=report_links("report-organization", organization.pk, period),
        period_action=reverse("frontend:reports"),
    )
    return render(request, "frontend/desk/reports/organization.html", context)
