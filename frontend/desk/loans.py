"""One loan (detail, agreement, renew, signature recorded) and check-in."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from inventory.choices import DeviceStatus
from loans import documents
from loans.models import Payment, WaitlistEntry
from loans.services import (
    card_reveal_record,
    loan_agreement_sign,
    loan_deposit_refund,
    loan_money,
    loan_renew,
    loan_return,
    payment_record,
    payment_refund,
    renewal_due_on,
)
from organizations.permissions import Action, can, may_reveal

from .. import selectors
from ..forms import CheckinForm, PaymentForm, RefundForm, SignatureForm, open_loan_item
from .access import errors_on_form, form_status, member_required, pdf_response


def _loan_or_404(request, loan_id: int, action: Action = Action.VIEW):
    loan = selectors.desk_loan(request.user, loan_id)
    if loan is None or not can(request.user, loan.organization_id, action):
        raise Http404
    return loan


def _loan_page(request, loan, *, payment_form=None, refund_form=None, refund_of=None, signature_form=None, status=200):
    card_url = ""  # the card link is a secret: in clear for the roles that may reveal one, and logged
    if not loan.token_revoked_at and may_reveal(request.user, loan.organization_id):
        card_url = documents.loan_card_url(loan)
        card_reveal_record(loan=loan, by=request.user, purpose="view", where="desk")
    payments = list(Payment.objects.filter(loan=loan).select_related("received_by", "refunded_by"))
    return render(
        request,
        "frontend/desk/loans/loan.html",
        {
            "loan": loan,
            "card_url": card_url,
            "new": request.GET.get("new") == "1",
            "renewals_left": max(loan.max_renewals - loan.renewals_count, 0) if loan.renewal_days else 0,
            "open_tag": next((i.device.asset_tag for i in loan.items.all() if i.closed_at is None), ""),
            "payments": payments,
            "money": loan_money(loan, payments),
            "payment_form": payment_form or PaymentForm(),
            "refund_form": refund_form or RefundForm(),
            "refund_of": refund_of,
            "signature_form": signature_form or SignatureForm(),
            "may_change": can(request.user, loan.organization_id, Action.CHANGE),
        },
        status=status,
    )


@member_required
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    return _loan_page(request, _loan_or_404(request, loan_id))


@require_POST
@member_required
def loan_payment(request: HttpRequest, loan_id: int) -> HttpResponse:
    """A fee or deposit received at the counter, "received by" the user."""
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = payment_record(loan=loan, by=request.user, **form.cleaned_data)
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s of %(amount)s € recorded.")
                % {"kind": payment.get_kind_display(), "amount": payment.amount},
            )
            return redirect("frontend:loan", loan_id=loan.pk)
    return _loan_page(request, loan, payment_form=form, status=400)


@require_POST
@member_required
def loan_payment_refund(request: HttpRequest, loan_id: int, payment_id: int) -> HttpResponse:
    """Give back a payment, all of it or part of it (the ledger keeps the row, marked refunded)."""
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    payment = Payment.objects.filter(loan=loan, pk=payment_id).first()
    if payment is None:
        raise Http404
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            payment = payment_refund(
                payment=payment,
                by=request.user,
                amount=form.cleaned_data["refund_amount"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("%(amount)s € given back.") % {"amount": payment.refunded_amount})
            return redirect("frontend:loan", loan_id=loan.pk)
    return _loan_page(request, loan, refund_form=form, refund_of=payment.pk, status=400)


@member_required
def loan_agreement(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _loan_or_404(request, loan_id)
    pdf = documents.agreement_pdf(loan)  # its QR code carries the card link: a reveal, for any role
    if not loan.token_revoked_at:
        card_reveal_record(loan=loan, by=request.user, purpose="print", where="desk agreement")
    return pdf_response(pdf, f"loan-{loan.pk}-agreement.pdf")


@member_required
def loan_renew_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Renew after a confirmation that shows the new due date (GET asks, POST renews)."""
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    if request.method == "POST":
        try:
            loan = loan_renew(loan=loan, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Renewed: %(name)s's loan is now due on %(date)s.")
                % {"name": loan.participant.display_name, "date": date_format(loan.due_on, "DATE_FORMAT")},
            )
        return redirect("frontend:loan", loan_id=loan.pk)
    return render(
        request,
        "frontend/desk/loans/renew.html",
        {"loan": loan, "new_due_on": renewal_due_on(loan), "active": "checkin"},
    )


@require_POST
@member_required
def loan_agreement_signed_view(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Record the signature of a loan lent unsigned: on paper (the button), or drawn on the tablet
    (`signature`, kept with the loan and printed on the agreement)."""
    loan = _loan_or_404(request, loan_id, Action.CHANGE)
    signature = None
    if "signature" in request.POST:  # the box on the screen, not the paper button
        form = SignatureForm(request.POST)
        if not form.is_valid():
            return _loan_page(request, loan, signature_form=form, status=400)
        signature = form.cleaned_data["signature"]
    try:
        loan_agreement_sign(loan=loan, by=request.user, signature=signature)
    except DomainError as error:
        if signature is None:
            messages.error(request, error.message)
        else:
            form.add_error("signature" if "signature" in (error.fields or {}) else None, error.message)
            return _loan_page(request, loan, signature_form=form, status=400)
    else:
        messages.success(request, _("The signed agreement is recorded."))
    return redirect("frontend:loan", loan_id=loan.pk)


def _device_went(device, loan) -> str:
    """Where the device went after check-in, in the coordinator's words."""
    device.refresh_from_db(fields=["status"])
    if device.status == DeviceStatus.WIPING:
        return _("It goes to be wiped: record the wipe on its page before it is lent again.")
    if device.status == DeviceStatus.IN_REPAIR:
        return _("It goes to repair: it was returned damaged.")
    offer = WaitlistEntry.objects.filter(offered_device=device, status="offered").select_related("participant").first()
    if offer is not None:
        return _("It is kept for %(name)s from the waiting list until %(date)s.") % {
            "name": offer.participant.display_name,
            "date": date_format(offer.offer_expires_on, "DATE_FORMAT"),
        }
    return _("It is available to lend again.")


@member_required
def checkin(request: HttpRequest) -> HttpResponse:
    """Take a device back. When this closes a loan with a deposit to give back, the page shows the amount
    first and the refund is recorded with the return, in one transaction."""
    form = CheckinForm(request.POST or None, user=request.user, initial={"tag": request.GET.get("tag", "")})
    item, money = None, None
    if request.method == "GET" and request.GET.get("tag"):
        item = open_loan_item(request.user, request.GET["tag"])
    if request.method == "POST" and form.is_valid():
        item = form.item
    if item is not None:
        money = _deposit_to_give_back(item)
        if money is not None and request.method == "GET":
            form.initial["deposit_shown"] = item.loan_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if money is not None and data["deposit_shown"] != item.loan_id:
            form.data = form.data.copy()
            form.data["deposit_shown"] = item.loan_id  # now shown: the next submit takes it back
            return _checkin_page(request, form, item, money)
        try:
            with transaction.atomic():
                loan_return(
                    loan=item.loan,
                    by=request.user,
                    devices=[item.device],
                    condition=data["condition"],
                    accessories_returned=data["accessories_returned"],
                    note=data["note"],
                )
                refunded = None
                if money is not None and data["refund_deposit"]:
                    refunded = sum(
                        p.refunded_amount
                        for p in loan_deposit_refund(loan=item.loan, by=request.user, amount=data["refund_amount"])
                    )
        except DomainError as error:
            errors_on_form(form, error, default_field="tag")
        else:
            text = _("%(tag)s taken back from %(name)s.") % {
                "tag": item.device.asset_tag,
                "name": item.loan.participant.display_name,
            }
            text = f"{text} {_device_went(item.device, item.loan)}"
            if refunded:
                text += " " + _("Deposit given back: %(amount)s €.") % {"amount": refunded}
            elif money is not None:
                text += " " + _("The deposit of %(amount)s € was not given back: see the loan page.") % {
                    "amount": money.refundable
                }
            messages.success(request, text)
            return redirect("frontend:checkin")
    return _checkin_page(request, form, item, money, status=form_status(request))


def _deposit_to_give_back(item):
    """The loan's money when returning this device closes the loan and a deposit is still held; else None."""
    still_out = [i for i in item.loan.items.all() if i.closed_at is None]
    if len(still_out) > 1:
        return None
    money = loan_money(item.loan)
    return money if money.refundable > 0 else None


def _checkin_page(request, form, item, money, status=200):
    return render(
        request,
        "frontend/desk/loans/checkin.html",
        {"form": form, "item": item, "money": money, "active": "checkin"},
        status=status,
    )
