"""The record of processing as a desk page, for every member of an organisation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.views.desk import member_required
from organizations.selectors import organizations_for_user

from .processing import processing_record
from .selectors import retention_months


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
