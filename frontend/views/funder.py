"""Pages for funder users at /funder/: the grants they fund, with aggregate figures only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from organizations.selectors import user_funder_ids

from .. import selectors


def _report_links() -> list[tuple[str, str]]:
    """Links to the reports app's downloads, when it provides them (it is built separately)."""
    links = []
    for name, label in (("report-list", "reports"),):
        try:
            links.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return links


@login_required(login_url="frontend:login")
def funder_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user_funder_ids(user)):
        return render(request, "frontend/funder/not_funder.html", status=403)
    return render(
        request,
        "frontend/funder/home.html",
        {"grants": list(selectors.funder_grants(user)), "report_links": _report_links()},
    )
