"""The staff desk at /desk/: today, check out in three steps, check in, renew, search, labels.

Plain forms, no JavaScript needed. Every read goes through scoped selectors; every write calls the
loans service that owns it, so a refused action writes nothing and its message shows next to the field.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.api.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.labels import render_labels
from loans import documents
from loans.services import loan_checkout, loan_renew, loan_return
from organizations.models import Participant
from organizations.permissions import Action, can
from organizations.selectors import participants_for_user, user_funder_ids, user_roles
from privacy.choices import ConsentChannel
from privacy.services import consent_note_change

from .. import selectors
from ..forms import (
    CheckinForm,
    DeviceTagsForm,
    LabelsForm,
    ParticipantCreateForm,
    ParticipantSearchForm,
    PolicyForm,
    writable_organization_ids,
)

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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@member_required
def today(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/desk/today.html", {**selectors.desk_today(request.user), "active": "today"})


# --- check out: 1 device, 2 participant, 3 policy -> agreement ---------------------------------------


def _ids(value: str) -> list[int]:
    return [int(part) for part in (value or "").split(",") if part.isdigit()][:20]


def _checkout_devices(request) -> list:
    """Devices named in the step URLs, still in the user's organisations and still available."""
    devices = selectors.devices_by_ids(
        request.user, _ids(request.GET.get("devices", "")), writable_organization_ids(request.user)
    )
    if not devices or any(d.status != DeviceStatus.AVAILABLE for d in devices):
        return []
    if len({d.organization_id for d in devices}) != 1:
        return []
    return devices


@member_required
def checkout_device(request: HttpRequest) -> HttpResponse:
    form = DeviceTagsForm(request.POST or None, user=request.user, initial={"tags": request.GET.get("tags", "")})
    if request.method == "POST" and form.is_valid():
        query = urlencode({"devices": ",".join(str(d.pk) for d in form.devices)})
        return redirect(f"{reverse('frontend:checkout-participant')}?{query}")
    return render(request, "frontend/desk/checkout_device.html", {"form": form, "step": 1, "active": "checkout"})


@member_required
def checkout_participant(request: HttpRequest) -> HttpResponse:
    devices = _checkout_devices(request)
    if not devices:
        messages.error(request, _("These devices are no longer available: scan again."))
        return redirect("frontend:checkout")
    organization = devices[0].organization
    search = ParticipantSearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(
            selectors.desk_participants(request.user, search.cleaned_data["q"]).filter(organization=organization)[:20]
        )
    create = ParticipantCreateForm(request.POST or None)
    if request.method == "POST" and create.is_valid():
        with transaction.atomic():
            participant = create.save(commit=False)
            participant.organization = organization
            participant.save()
            consent_note_change(participant=participant, was=None, by=request.user, channel=ConsentChannel.IN_PERSON)
        query = urlencode({"devices": request.GET["devices"], "participant": participant.pk})
        return redirect(f"{reverse('frontend:checkout-policy')}?{query}")
    return render(
        request,
        "frontend/desk/checkout_participant.html",
        {"devices": devices, "search": search, "results": results, "create": create, "step": 2, "active": "checkout"},
    )


@member_required
def checkout_policy(request: HttpRequest) -> HttpResponse:
    devices = _checkout_devices(request)
    if not devices:
        messages.error(request, _("These devices are no longer available: scan again."))
        return redirect("frontend:checkout")
    organization = devices[0].organization
    participant_id = request.GET.get("participant", "")
    participant = (
        participants_for_user(request.user).filter(organization=organization, pk=participant_id).first()
        if participant_id.isdigit()
        else None
    )
    if participant is None:
        raise Http404
    form = PolicyForm(request.POST or None, organization=organization, devices=devices)
    if request.method == "POST" and form.is_valid():
        try:
            loan = loan_checkout(
                organization=organization,
                participant=participant,
                policy=form.cleaned_data["policy"],
                devices=devices,
                cohort=form.cleaned_data["cohort"],
                accessories=form.cleaned_data["accessories"],
                agreement_signed=form.cleaned_data["agreement_signed"],
                by=request.user,
            )
        except DomainError as error:
            for field, errors in (error.fields or {"__all__": [error.message]}).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Loan saved. Print the agreement and give it to the participant."))
            return redirect(f"{reverse('frontend:loan', args=[loan.pk])}?new=1")
    return render(
        request,
        "frontend/desk/checkout_policy.html",
        {"devices": devices, "participant": participant, "form": form, "step": 3, "active": "checkout"},
    )


# --- one loan: detail, agreement, renew ---------------------------------------------------------------


def _loan_or_404(request, loan_id: int, action: Action = Action.VIEW):
    loan = selectors.desk_loan(request.user, loan_id)
    if loan is None or not can(request.user, loan.organization_id, action):
        raise Http404
    return loan


@member_required
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id)
    return render(
        request,
        "frontend/desk/loan.html",
        {
            "loan": loan,
            "card_url": documents.loan_card_url(loan),
            "new": request.GET.get("new") == "1",
            "renewals_left": max(loan.max_renewals - loan.renewals_count, 0) if loan.renewal_days else 0,
            "open_tag": next((i.device.asset_tag for i in loan.items.all() if i.closed_at is None), ""),
        },
    )


@member_required
def loan_agreement(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id)
    return _pdf(documents.agreement_pdf(loan), f"loan-{loan.pk}-agreement.pdf")


@require_POST
@member_required
def loan_renew_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    try:
        loan = loan_renew(loan=loan, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Renewed: now due on %(date)s.") % {"date": loan.due_on.strftime("%d/%m/%Y")})
    return redirect("frontend:loan", loan_id=loan.pk)


# --- check in ----------------------------------------------------------------------------------------


@member_required
def checkin(request: HttpRequest) -> HttpResponse:
    form = CheckinForm(request.POST or None, user=request.user, initial={"tag": request.GET.get("tag", "")})
    if request.method == "POST" and form.is_valid():
        item = form.item
        try:
            loan_return(
                loan=item.loan,
                by=request.user,
                devices=[item.device],
                condition=form.cleaned_data["condition"],
                accessories_returned=form.cleaned_data["accessories_returned"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error("tag", error.message)
        else:
            messages.success(
                request,
                _("%(tag)s taken back from %(name)s.")
                % {"tag": item.device.asset_tag, "name": item.loan.participant.display_name},
            )
            return redirect("frontend:checkin")
    return render(request, "frontend/desk/checkin.html", {"form": form, "active": "checkin"})


# --- participants, labels ----------------------------------------------------------------------------


@member_required
def participants(request: HttpRequest) -> HttpResponse:
    search = ParticipantSearchForm(request.GET or None)
    results: list[Participant] = []
    query = ""
    if search.is_valid():
        query = search.cleaned_data["q"]
        if query:
            results = list(selectors.desk_participants(request.user, query)[:50])
    return render(
        request,
        "frontend/desk/participants.html",
        {"search": search, "results": results, "query": query, "active": "participants"},
    )


@member_required
def labels(request: HttpRequest) -> HttpResponse:
    form = LabelsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return _pdf(render_labels(form.devices), "labels.pdf")
    return render(request, "frontend/desk/labels.html", {"form": form, "active": "labels"})
