"""The desk's home page: what is due today, what is overdue and who to call, open tasks (renewal requests to
approve or refuse) and waiting-list offers; and the actions taken from it."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from loans.choices import CallOutcome
from loans.models import Loan
from loans.services import loan_call_record, renewal_request_approve, renewal_request_refuse
from messaging.services import loan_reminder_again
from organizations.permissions import Action, can
from organizations.selectors import staff_tasks_for_user

from .. import selectors
from .access import errors_on_form, member_required


class LoanCallForm(forms.Form):
    """One row's "record a call" form; its fields are prefixed with the loan (call-<id>-outcome...)."""

    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=CallOutcome.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)
    next_on = forms.DateField(label=gettext_lazy("Call again on"), required=False)


def _page(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("page") or request.GET.get("page") or 1)
    except ValueError:
        return 1


def _back(request: HttpRequest) -> HttpResponse:
    page = _page(request)
    return redirect(reverse("frontend:desk") + (f"?page={page}#overdue" if page > 1 else ""))


def _row_words() -> dict[str, str]:
    """The words every row repeats, translated once per page rather than once per row (50 rows a page)."""
    return {
        "outcome": _("Outcome"),
        "note": _("Note"),
        "next_on": _("Call again on (optional)"),
        "save_call": _("Save the call"),
        "record_call": _("Record a call"),
        "remind": _("Send the reminder again"),
        "call": _("Call"),
        "no_phone": _("No phone number"),
        "loan": _("Loan #"),
        "due": _("due"),
        "last_sms": _("Last SMS:"),
        "last_call": _("Last call:"),
        "call_again": _("Call again on"),
        "none": _("none"),
    }


def _today_page(request: HttpRequest, *, call_form: LoanCallForm | None = None, call_loan_id=None, status=200):
    data = selectors.desk_today(request.user, page=_page(request))
    for loan in data["overdue"]:
        loan.late_text = ngettext("%(days)s day late", "%(days)s days late", loan.days_late) % {"days": loan.days_late}
    context = {
        **data,
        "active": "today",
        "t": _row_words(),
        # Row links as prefix + id: reversing two or three URLs for each of 150 rows took a fifth of the page.
        "urls": {
            "loan": reverse("frontend:loan", args=[0]).removesuffix("0/"),
            "participant": reverse("frontend:participant", args=[0]).removesuffix("0/"),
        },
        "today_iso": data["today"].isoformat(),
        "call_outcomes": CallOutcome.choices,
        "call_options": format_html_join("", '<option value="{}">{}</option>', CallOutcome.choices),
        "call_form": call_form,
        "call_loan_id": call_loan_id,
    }
    return render(request, "frontend/desk/today/today.html", context, status=status)


@member_required
def today(request: HttpRequest) -> HttpResponse:
    return _today_page(request)


def _loan_or_404(request: HttpRequest, loan_id: int):
    loan = selectors.desk_loan(request.user, loan_id)
    if loan is None or not can(request.user, loan.organization_id, Action.CHANGE):
        raise Http404
    return loan


def _task_or_404(request: HttpRequest, task_id: int):
    task = staff_tasks_for_user(request.user).filter(pk=task_id).first()
    if task is None or not can(request.user, task.organization_id, Action.CHANGE):
        raise Http404
    return task


@require_POST
@member_required
def loan_call(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Record a call about a loan; bad input shows the Today page again (400) with the error next to the field."""
    loan = _loan_or_404(request, loan_id)
    form = LoanCallForm(request.POST, prefix=f"call-{loan.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            call = loan_call_record(
                loan=loan, outcome=data["outcome"], note=data["note"], next_on=data["next_on"], by=request.user
            )
        except DomainError as error:
            errors_on_form(form, error)
        else:
            text = _("Call recorded for %(name)s.") % {"name": loan.participant.display_name}
            if call.next_on:
                text += " " + _("Call again on %(date)s.") % {"date": date_format(call.next_on, "SHORT_DATE_FORMAT")}
            messages.success(request, text)
            return _back(request)
    return _today_page(request, call_form=form, call_loan_id=loan.pk, status=400)


@require_POST
@member_required
def loan_remind(request: HttpRequest, loan_id: int) -> HttpResponse:
    """Send the overdue reminder again: once per loan and day, and only to a participant who may get SMS."""
    loan = _loan_or_404(request, loan_id)
    try:
        _message, queued = loan_reminder_again(loan=loan, by=request.user)
    except DomainError as error:
        messages.error(
            request, _("%(name)s: %(reason)s") % {"name": loan.participant.display_name, "reason": error.message}
        )
    else:
        if queued:
            messages.success(request, _("Reminder sent again to %(name)s.") % {"name": loan.participant.display_name})
        else:
            messages.info(
                request,
                _("The reminder was already sent again today to %(name)s; it is not sent twice.")
                % {"name": loan.participant.display_name},
            )
    return _back(request)


@require_POST
@member_required
def renewal_approve(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    try:
        loan = renewal_request_approve(task=task, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Renewed: %(name)s's loan is now due on %(date)s.")
            % {"name": loan.participant.display_name, "date": date_format(loan.due_on, "SHORT_DATE_FORMAT")},
        )
    return _back(request)


@require_POST
@member_required
def renewal_refuse(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    loan_open = Loan.objects.open().filter(pk=task.object_id, organization_id=task.organization_id).exists()
    try:
        task = renewal_request_refuse(task=task, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = task.participant.display_name if task.participant else ""
        if loan_open:
            messages.success(request, _("Renewal refused; %(name)s gets an SMS saying so.") % {"name": name})
        else:
            text = _("%(name)s's loan was already closed: the request is closed, no SMS sent.") % {"name": name}
            messages.info(request, text)
    return _back(request)
