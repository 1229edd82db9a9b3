"""Pages for funder users at /funder/: the grants they fund, with aggregate figures only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from organizations.models import Funder
from organizations.selectors import user_funder_ids

from .. import selectors

REPORT_FORMATS = ("pdf", "csv")


def report_links(url_name: str, pk: int) -> list[tuple[str, str]]:
    """[(format, url)] of the reports app's downloads, or [] while that app has no such URL."""
    try:
        url = reverse(url_name, args=[pk])
    except NoReverseMatch:
        return []
    return [(fmt.upper(), f"{url}?format={fmt}") for fmt in REPORT_FORMATS]


@login_required(login_url="frontend:login")
def funder_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    funder_ids = user_funder_ids(user)
    if not (user.is_superuser or funder_ids):
        return render(request, "frontend/funder/not_funder.html", status=403)
    grants = list(selectors.funder_grants(user))
    for grant in grants:
        grant.report_links = report_links("report-grant", grant.pk)
    funders = [
        {"name": funder.name, "report_links": report_links("report-funder", funder.pk)}
        for funder in Funder.objects.filter(pk__in=list(funder_ids)).order_by("name")
    ]
    return render(request, "frontend/funder/home.html", {"grants": grants, "funders": funders})
