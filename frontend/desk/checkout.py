"""Check out in three steps: 1 device, 2 participant, 3 policy -> agreement."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from inventory.choices import DeviceStatus
from loans.services import checkout_payments, loan_checkout, policy_terms
from organizations.calendar import week
from organizations.models import Participant
from organizations.selectors import participants_for_user
from organizations.services import participant_create
from privacy.choices import ConsentChannel

from .. import selectors
from ..forms import DeviceTagsForm, ParticipantCreateForm, ParticipantSearchForm, PolicyForm, writable_organization_ids
from .access import errors_on_form, form_status, member_required


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


def _chosen_participant(request, organization_id: int | None = None) -> Participant | None:
    """The person named by `?participant=` (checkout started from their page), if the user sees them."""
    participant_id = request.GET.get("participant", "")
    if not participant_id.isdigit():
        return None
    queryset = participants_for_user(request.user).filter(pk=participant_id, is_active=True)
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    return queryset.first()


@member_required
def checkout_device(request: HttpRequest) -> HttpResponse:
    """Step 1. Started from a participant's page, step 2 is skipped for a device of their organisation."""
    form = DeviceTagsForm(request.POST or None, user=request.user, initial={"tags": request.GET.get("tags", "")})
    if request.method == "POST" and form.is_valid():
        devices = ",".join(str(d.pk) for d in form.devices)
        participant = _chosen_participant(request, form.devices[0].organization_id)
        if participant is not None:
            query = urlencode({"devices": devices, "participant": participant.pk})
            return redirect(f"{reverse('frontend:checkout-policy')}?{query}")
        return redirect(f"{reverse('frontend:checkout-participant')}?{urlencode({'devices': devices})}")
    return render(
        request,
        "frontend/desk/checkout/device.html",
        {"form": form, "participant": _chosen_participant(request), "step": 1, "active": "checkout"},
        status=form_status(request),
    )


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
        participant = participant_create(
            organization=organization, by=request.user, channel=ConsentChannel.IN_PERSON, **create.cleaned_data
        )
        query = urlencode({"devices": request.GET["devices"], "participant": participant.pk})
        return redirect(f"{reverse('frontend:checkout-policy')}?{query}")
    return render(
        request,
        "frontend/desk/checkout/participant.html",
        {"devices": devices, "search": search, "results": results, "create": create, "step": 2, "active": "checkout"},
        status=form_status(request),
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
    cohort = form.fields["cohort"].queryset.filter(pk=form.fields["cohort"].initial).first()
    calendar = week(organization)  # two queries for every policy's due date
    terms = [policy_terms(policy, cohort=cohort, calendar=calendar) for policy in form.fields["policy"].queryset]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the loan and what was paid for it, or nothing
                loan = loan_checkout(
                    organization=organization,
                    participant=participant,
                    policy=form.cleaned_data["policy"],
                    devices=devices,
                    cohort=form.cleaned_data["cohort"],
                    accessories=form.cleaned_data["accessories"],
                    agreement_signed=form.cleaned_data["agreement_signed"],
                    signature=form.cleaned_data["signature"] or None,
                    by=request.user,
                )
                paid = form.payments(policy_terms(loan.policy, cohort=loan.cohort))
                if paid:
                    checkout_payments(loan=loan, by=request.user, **paid)
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("Loan saved. Print the agreement and give it to the participant."))
            return redirect(f"{reverse('frontend:loan', args=[loan.pk])}?new=1")
    return render(
        request,
        "frontend/desk/checkout/policy.html",
        {
            "devices": devices,
            "participant": participant,
            "form": form,
            "terms": terms,
            "step": 3,
            "active": "checkout",
        },
        status=form_status(request),
    )
