"""What every desk view shares: who may use the desk, and how a form or a PDF is answered."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core.errors import DomainError
from organizations.models import Organization
from organizations.selectors import organizations_for_user, user_funder_ids, user_roles

LOGIN_URL = "frontend:login"


def member_required(view):
    """Logged-in members of an organisation; funder users go to their own pages."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or user_roles(user)):
            if user_funder_ids(user):
                return redirect("frontend:funder")
            return render(request, "frontend/desk/not_member.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def errors_on_form(form, error: DomainError, default_field: str | None = None) -> None:
    """A service's refusal shown on the field it names, else on `default_field`, else above the form."""
    for field, errors in (error.fields or {"__all__": [error.message]}).items():
        for message in errors:
            form.add_error(field if field in form.fields else default_field, message)


def form_status(request) -> int:
    """A form shown again after a POST carries errors next to its fields: 400, so that scripts see it too."""
    return 400 if request.method == "POST" else 200


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def organization_or_404(request, organization_id: int | None = None) -> Organization:
    """The organisation asked for (404 when it is not one of the user's), else the user's first."""
    organizations = organizations_for_user(request.user).order_by("name")
    if organization_id is None:
        organization_id = request.GET.get("organization") or request.POST.get("organization")
    if organization_id not in (None, ""):
        if not str(organization_id).isdigit():
            raise Http404
        organization = organizations.filter(pk=organization_id).first()
    else:
        organization = organizations.first()
    if organization is None:
        raise Http404
    return organization
