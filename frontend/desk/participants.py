"""Participants: search, one person's page (loans, SMS, waiting lists), edit, and their waiting-list places."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from loans.selectors import waitlist_for_user
from loans.services import waitlist_add, waitlist_cancel
from organizations.models import Participant
from organizations.permissions import Action, can
from organizations.selectors import participants_for_user
from organizations.services import participant_update

from .. import selectors
from ..forms import ParticipantEditForm, ParticipantSearchForm, WaitlistForm
from .access import errors_on_form, form_status, member_required


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
        "frontend/desk/participants/participants.html",
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
        "frontend/desk/participants/participant.html",
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
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        participant.refresh_from_db()  # the form wrote onto the instance: the service reads the row anew
        try:
            participant_update(participant=participant, by=request.user, **changes)
        except DomainError as error:  # anonymised meanwhile: 409, as the API answers
            errors_on_form(form, error)
            status = error.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect("frontend:participant", participant_id=participant.pk)
    return render(
        request,
        "frontend/desk/participants/participant_edit.html",
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
            errors_on_form(form, error)
        else:
            if entry.offered_device_id:
                messages.success(
                    request,
                    _("%(tag)s is free now: it is kept for %(name)s until %(date)s.")
                    % {
                        "tag": entry.offered_device.asset_tag,
                        "name": participant.display_name,
                        "date": formats.date_format(entry.offer_expires_on, "SHORT_DATE_FORMAT"),
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
