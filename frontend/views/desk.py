"""The staff desk at /desk/: today, check out in three steps, check in, renew, search, one participant
(with their place in the waiting lists), labels.

Plain forms, no JavaScript needed. Every read goes through scoped selectors; every write calls the
loans service that owns it, so a refused action writes nothing and its message shows next to the field.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.labels import render_labels
from loans import documents
from loans.selectors import waitlist_for_user
from loans.services import (
    card_reveal_record,
    loan_agreement_sign,
    loan_checkout,
    loan_renew,
    loan_return,
    waitlist_add,
    waitlist_cancel,
)
from organizations.models import Participant
from organizations.permissions import Action, can, may_reveal
from organizations.selectors import participants_for_user, user_funder_ids, user_roles
from organizations.services import participant_create, participant_update
from privacy.choices import ConsentChannel

from .. import selectors
from ..forms import (
    CheckinForm,
    DeviceTagsForm,
    LabelsForm,
    ParticipantCreateForm,
    ParticipantEditForm,
    ParticipantSearchForm,
    PolicyForm,
    WaitlistForm,
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


def _errors_on_form(form, error: DomainError) -> None:
    """A service's refusal shown on the field it names, else above the form."""
    for field, errors in (error.fields or {"__all__": [error.message]}).items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _form_status(request) -> int:
    """A form shown again after a POST carries errors next to its fields: 400, so that scripts see it too."""
    return 400 if request.method == "POST" else 200


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
        "frontend/desk/checkout_device.html",
        {"form": form, "participant": _chosen_participant(request), "step": 1, "active": "checkout"},
        status=_form_status(request),
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
        "frontend/desk/checkout_participant.html",
        {"devices": devices, "search": search, "results": results, "create": create, "step": 2, "active": "checkout"},
        status=_form_status(request),
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
            _errors_on_form(form, error)
        else:
            messages.success(request, _("Loan saved. Print the agreement and give it to the participant."))
            return redirect(f"{reverse('frontend:loan', args=[loan.pk])}?new=1")
    return render(
        request,
        "frontend/desk/checkout_policy.html",
        {"devices": devices, "participant": participant, "form": form, "step": 3, "active": "checkout"},
        status=_form_status(request),
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
    card_url = ""  # the card link is a secret: in clear for the roles that may reveal one, and logged
    if not loan.token_revoked_at and may_reveal(request.user, loan.organization_id):
        card_url = documents.loan_card_url(loan)
        card_reveal_record(loan=loan, by=request.user, purpose="view", where="desk")
    return render(
        request,
        "frontend/desk/loan.html",
        {
            "loan": loan,
            "card_url": card_url,
            "new": request.GET.get("new") == "1",
            "renewals_left": max(loan.max_renewals - loan.renewals_count, 0) if loan.renewal_days else 0,
            "open_tag": next((i.device.asset_tag for i in loan.items.all() if i.closed_at is None), ""),
        },
    )


@member_required
def loan_agreement(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id)
    pdf = documents.agreement_pdf(loan)  # its QR code carries the card link: a reveal, for any role
    if not loan.token_revoked_at:
        card_reveal_record(loan=loan, by=request.user, purpose="print", where="desk agreement")
    return _pdf(pdf, f"loan-{loan.pk}-agreement.pdf")


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


@require_POST
@member_required
def loan_agreement_signed_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Record the signature of a loan opened unsigned (before the rule that a policy requiring it lends only
    signed, or under a policy that does not require it)."""
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    try:
        loan_agreement_sign(loan=loan, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The signed agreement is recorded."))
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
    return render(
        request, "frontend/desk/checkin.html", {"form": form, "active": "checkin"}, status=_form_status(request)
    )


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


SMS_ABOUT = {
    "loan_reminder": gettext_lazy("Reminder of the due date"),
    "loan_confirmation": gettext_lazy("Loan confirmation"),
    "waitlist_offer": gettext_lazy("Waiting-list offer"),
    "code_delivery": gettext_lazy("Internet code"),
}


def _participant_page(request, participant_id: int, *, waitlist_form=None, status: int = 200) -> HttpResponse:
    context = selectors.desk_participant(request.user, participant_id)
    if context is None:
        raise Http404
    participant = context["participant"]
    for message in context["sms"]:
        message.about = SMS_ABOUT.get(message.template, message.template)
    return render(
        request,
        "frontend/desk/participant.html",
        {
            **context,
            "can_change": can(request.user, participant.organization_id, Action.CHANGE),
            "waitlist_form": waitlist_form or WaitlistForm(),
            "active": "participants",
        },
        status=status,
    )


@member_required
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    return _participant_page(request, participant_id)


def _participant_or_404(request, participant_id: int) -> Participant:
    participant = participants_for_user(request.user).select_related("organization").filter(pk=participant_id).first()
    if participant is None or not can(request.user, participant.organization_id, Action.CHANGE):
        raise Http404
    return participant


@member_required
def participant_edit(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Correct a person's details; a change of SMS consent is kept as a consent record, as in the API."""
    participant = _participant_or_404(request, participant_id)
    form = ParticipantEditForm(request.POST or None, instance=participant)
    status = _form_status(request)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        participant.refresh_from_db()  # the form wrote onto the instance: the service reads the row anew
        try:
            participant_update(participant=participant, by=request.user, **changes)
        except DomainError as error:  # anonymised meanwhile: 409, as the API answers
            _errors_on_form(form, error)
            status = error.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect("frontend:participant", participant_id=participant.pk)
    return render(
        request,
        "frontend/desk/participant_edit.html",
        {"form": form, "participant": participant, "active": "participants"},
        status=status,
    )


@require_POST
@member_required
def participant_waitlist_add(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Put the person in line for a device kind; a device of that kind on the shelf is offered at once."""
    participant = _participant_or_404(request, participant_id)
    form = WaitlistForm(request.POST)
    if form.is_valid():
        try:
            entry = waitlist_add(
                organization=participant.organization,
                participant=participant,
                device_kind=form.cleaned_data["device_kind"],
                offer_days=form.cleaned_data["offer_days"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DomainError as error:
            _errors_on_form(form, error)
        else:
            if entry.offered_device_id:
                messages.success(
                    request,
                    _("%(tag)s is free now: it is kept for %(name)s until %(date)s.")
                    % {
                        "tag": entry.offered_device.asset_tag,
                        "name": participant.display_name,
                        "date": entry.offer_expires_on.strftime("%d/%m/%Y"),
                    },
                )
            else:
                messages.success(request, _("Added to the waiting list."))
            return redirect("frontend:participant", participant_id=participant.pk)
    return _participant_page(request, participant.pk, waitlist_form=form, status=400)


@require_POST
@member_required
def participant_waitlist_cancel(request: HttpRequest, participant_id: int, entry_id: int) -> HttpResponse:
    participant = _participant_or_404(request, participant_id)
    entry = waitlist_for_user(request.user).filter(pk=entry_id, participant=participant).first()
    if entry is None:
        raise Http404
    try:
        waitlist_cancel(entry=entry, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Taken off the waiting list."))
    return redirect("frontend:participant", participant_id=participant.pk)


@member_required
def labels(request: HttpRequest) -> HttpResponse:
    form = LabelsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return _pdf(render_labels(form.devices), "labels.pdf")
    return render(
        request, "frontend/desk/labels.html", {"form": form, "active": "labels"}, status=_form_status(request)
    )
