"""The record of processing as a desk page, for every member of an organisation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.selectors import organizations_for_user
from privacy.processing import processing_record
from privacy.selectors import retention_months

from .access import member_required


@member_required
def processing_page(request: HttpRequest) -> HttpResponse:
    organizations = [
        {"name": organization.name, "months": retention_months(organization)}
        for organization in organizations_for_user(request.user).select_related("retention_rule")
    ]
    return render(
        request,
        "privacy/processing.html",
        {"record": processing_record(), "organizations": organizations, "active": "privacy"},
    )
