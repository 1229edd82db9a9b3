"""One loan (detail, agreement, renew, signature recorded) and check-in."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from loans import documents
from loans.services import card_reveal_record, loan_agreement_sign, loan_renew, loan_return
from organizations.permissions import Action, can, may_reveal

from .. import selectors
from ..forms import CheckinForm
from .access import form_status, member_required, pdf_response


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
        "frontend/desk/loans/loan.html",
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
    return pdf_response(pdf, f"loan-{loan.pk}-agreement.pdf")


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
        request, "frontend/desk/loans/checkin.html", {"form": form, "active": "checkin"}, status=form_status(request)
    )
