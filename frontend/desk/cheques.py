"""Digicheques at the desk: the stock by batch (purchase price, grant, supplier, expiry, what expires soon),
a new batch, a cheque issued to a participant (free or at a reduced price, recorded), redeemed after the
supplier's visit, or voided with a reason. The logic is connectivity.services, shared with the API."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from connectivity.choices import DigichequeStatus
from connectivity.models import Digicheque, DigichequeBatch
from connectivity.selectors import digicheques_for_user
from connectivity.services import digicheque_batch_create, digicheque_issue, digicheque_redeem, digicheque_void
from core.errors import DomainError
from organizations.models import Grant, Organization
from organizations.permissions import Action, can, organization_ids_allowing
from organizations.selectors import participants_for_user

from .access import errors_on_form, form_status, member_required

EXPIRING_SOON_DAYS = 60
CHEQUES_SHOWN = 50


class ChequeSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Find a cheque"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The last digits of its serial, or the participant's name."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Given, not used yet")), *DigichequeStatus.choices],
        required=False,
    )


class BatchForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    supplier = forms.CharField(label=gettext_lazy("Supplier"), max_length=120)
    unit_value = forms.DecimalField(
        label=gettext_lazy("Value of one cheque (EUR)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    purchase_price = forms.DecimalField(
        label=gettext_lazy("Price paid for the batch (EUR)"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    grant = forms.ModelChoiceField(
        label=gettext_lazy("Paid by the grant"), queryset=Grant.objects.none(), required=False
    )
    serial_prefix = forms.CharField(label=gettext_lazy("Serial prefix"), max_length=20, required=False)
    first_number = forms.IntegerField(label=gettext_lazy("First number"), min_value=0)
    last_number = forms.IntegerField(label=gettext_lazy("Last number"), min_value=0)
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.filter(pk__in=org_ids).order_by("name")
        self.fields["organization"].queryset = orgs
        self.fields["grant"].queryset = Grant.objects.filter(organization_id__in=org_ids).order_by("name")
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
            self.fields["organization"].widget = forms.HiddenInput()


class IssueForm(forms.Form):
    cheque = forms.ModelChoiceField(
        label=gettext_lazy("Cheque"), queryset=Digicheque.objects.none(), widget=forms.HiddenInput
    )
    price_charged = forms.DecimalField(
        label=gettext_lazy("Price charged (EUR)"),
        initial=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        help_text=gettext_lazy("0: free. At most the value of the cheque."),
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cheque"].queryset = Digicheque.objects.filter(organization_id=participant.organization_id)


class RedeemForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("What the help was for"), max_length=255)
    redeemed_on = forms.DateField(
        label=gettext_lazy("Day of the visit"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it voided?"), max_length=255)


def next_cheque(organization_id: int) -> Digicheque | None:
    """The cheque to hand out next: in stock, from the batch that expires first, lowest serial."""
    today = timezone.localdate()
    return (
        Digicheque.objects.filter(organization_id=organization_id, status=DigichequeStatus.IN_STOCK)
        .exclude(batch__expires_on__lt=today)
        .select_related("batch")
        .order_by("batch__expires_on", "serial")
        .first()
    )


@member_required
def cheque_stock(request: HttpRequest) -> HttpResponse:
    org_ids = organization_ids_allowing(request.user, Action.CHANGE)
    form = BatchForm(request.POST or None, org_ids=org_ids)
    if request.method == "POST" and form.is_valid():
        try:
            batch = digicheque_batch_create(**form.cleaned_data, by=request.user)
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("%(count)d cheques added to the stock.") % {"count": batch.quantity})
            return redirect("frontend:cheques")
    soon = timezone.localdate() + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    batches = list(
        DigichequeBatch.objects.filter(organization_id__in=org_ids)
        .select_related("grant")
        .annotate(
            in_stock=Count("cheques", filter=Q(cheques__status=DigichequeStatus.IN_STOCK)),
            issued=Count("cheques", filter=Q(cheques__status=DigichequeStatus.ISSUED)),
            redeemed=Count("cheques", filter=Q(cheques__status=DigichequeStatus.REDEEMED)),
        )
        .order_by("expires_on", "-purchased_on")[:100]
    )
    for batch in batches:
        batch.expires_soon = bool(batch.expires_on and batch.in_stock and batch.expires_on <= soon)
    search = ChequeSearchForm(request.GET or None)
    cheques, total = _cheque_list(request.user, search)
    return render(
        request,
        "frontend/desk/cheques/stock.html",
        {
            "form": form,
            "batches": batches,
            "soon_days": EXPIRING_SOON_DAYS,
            "search": search,
            "cheques": cheques,
            "cheques_total": total,
            "active": "cheques",
        },
        status=400 if request.method == "POST" or (request.GET and not search.is_valid()) else 200,
    )


def _cheque_list(user, search: ChequeSearchForm) -> tuple[list[Digicheque], int]:
    """One row per cheque: by default those given and not used yet (the supplier's visit is still to come),
    the oldest first; a search looks through every status by serial suffix or participant's name."""
    rows = digicheques_for_user(user)
    query, status = "", ""
    if search.is_bound and search.is_valid():
        query, status = search.cleaned_data["q"].strip(), search.cleaned_data["status"]
    if query:
        rows = rows.filter(Q(serial__iendswith=query) | Q(participant__display_name__icontains=query))
    if status or not query:
        rows = rows.filter(status=status or DigichequeStatus.ISSUED)
    rows = rows.order_by("issued_at", "serial")
    return list(rows[:CHEQUES_SHOWN]), rows.count()


def _participant_or_404(request, participant_id: int):
    participant = participants_for_user(request.user).select_related("organization").filter(pk=participant_id).first()
    if participant is None or not can(request.user, participant.organization_id, Action.CHANGE):
        raise Http404
    return participant


@member_required
def cheque_issue(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Hand the next cheque to a participant. The cheque is fixed when the page is shown, so a second submit
    of the same page is refused (that cheque is issued) instead of giving a second cheque."""
    participant = _participant_or_404(request, participant_id)
    form = IssueForm(request.POST or None, participant=participant)
    cheque = None
    if request.method == "POST" and form.is_valid():
        cheque = form.cleaned_data["cheque"]
        try:
            digicheque_issue(
                cheque=cheque,
                participant=participant,
                price_charged=form.cleaned_data["price_charged"],
                by=request.user,
            )
        except DomainError as error:
            errors_on_form(form, error, default_field="price_charged")
        else:
            messages.success(
                request,
                _("Cheque %(serial)s given to %(name)s.")
                % {"serial": cheque.masked_serial, "name": participant.display_name},
            )
            return redirect("frontend:participant", participant_id=participant.pk)
    if cheque is None or request.method == "GET":
        cheque = next_cheque(participant.organization_id)
        if cheque is not None and request.method == "GET":
            form.initial["cheque"] = cheque.pk
    return render(
        request,
        "frontend/desk/cheques/issue.html",
        {"participant": participant, "form": form, "cheque": cheque, "active": "participants"},
        status=form_status(request),
    )


def _cheque_or_404(request, cheque_id: int, action: Action = Action.VIEW) -> Digicheque:
    cheque = digicheques_for_user(request.user).filter(pk=cheque_id).first()
    if cheque is None or not can(request.user, cheque.organization_id, action):
        raise Http404
    return cheque


def _cheque_page(request, cheque, *, redeem_form=None, void_form=None, status=200):
    return render(
        request,
        "frontend/desk/cheques/cheque.html",
        {
            "cheque": cheque,
            "redeem_form": redeem_form or RedeemForm(),
            "void_form": void_form or VoidForm(),
            "may_change": can(request.user, cheque.organization_id, Action.CHANGE),
            "history": list(cheque.history.order_by("-history_date").select_related("history_user")[:20]),
            "active": "cheques",
        },
        status=status,
    )


@member_required
def cheque_detail(request: HttpRequest, cheque_id: int) -> HttpResponse:
    return _cheque_page(request, _cheque_or_404(request, cheque_id))


@require_POST
@member_required
def cheque_redeem(request: HttpRequest, cheque_id: int) -> HttpResponse:
    cheque = _cheque_or_404(request, cheque_id, Action.CHANGE)
    form = RedeemForm(request.POST)
    if form.is_valid():
        try:
            digicheque_redeem(cheque=cheque, by=request.user, **form.cleaned_data)
        except DomainError as error:
            errors_on_form(form, error, default_field="purpose")
        else:
            messages.success(request, _("The visit is recorded: the cheque is redeemed."))
            return redirect("frontend:cheque", cheque_id=cheque.pk)
    return _cheque_page(request, cheque, redeem_form=form, status=400)


@require_POST
@member_required
def cheque_void(request: HttpRequest, cheque_id: int) -> HttpResponse:
    cheque = _cheque_or_404(request, cheque_id, Action.CHANGE)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            digicheque_void(cheque=cheque, by=request.user, **form.cleaned_data)
        except DomainError as error:
            errors_on_form(form, error, default_field="reason")
        else:
            messages.success(request, _("The cheque is voided."))
            return redirect("frontend:cheque", cheque_id=cheque.pk)
    return _cheque_page(request, cheque, void_form=form, status=400)
