"""The wording of each SMS, per language, edited by an organisation's administrator: known placeholders only
(an unknown one is refused, named), a live preview with the organisation's real data and an example
participant, the segment counter (above one segment it must be confirmed), reset to the default, and the
history. The logic is messaging.services.wordings."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from messaging import texts
from messaging.models import SmsWording
from messaging.services import (
    PLACEHOLDERS,
    wording_current,
    wording_default,
    wording_preview,
    wording_reset,
    wording_save,
)
from organizations.models import Organization
from organizations.permissions import Action, organization_ids_allowing

from .access import errors_on_form, member_required

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English", "ar": "العربية"}
KEY_LABELS = {
    "loan_reminder.before": gettext_lazy("Reminder before the due date"),
    "loan_reminder.today": gettext_lazy("Reminder on the due date"),
    "loan_reminder.late": gettext_lazy("Reminder after the due date"),
    "waitlist_offer": gettext_lazy("A device is ready (waiting list)"),
    "code_delivery": gettext_lazy("Internet code"),
    "loan_confirmation": gettext_lazy("Loan confirmation"),
    "renewal_refused": gettext_lazy("Renewal refused"),
}


class WordingForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=640)
    confirm_segments = forms.BooleanField(
        label=gettext_lazy("Send it even though it takes more than one SMS (each one is paid)"), required=False
    )


def _organization(request) -> Organization:
    """The organisation whose texts are edited: one the user administers (`?organization=`), else 404."""
    allowed = organization_ids_allowing(request.user, Action.MANAGE)
    if request.user.is_superuser and not allowed:
        allowed = list(Organization.objects.values_list("pk", flat=True)[:200])
    wanted = request.GET.get("organization") or request.POST.get("organization") or ""
    if wanted.isdigit():
        if int(wanted) not in allowed:
            raise Http404
        return Organization.objects.get(pk=int(wanted))
    if not allowed:
        raise Http404
    return Organization.objects.filter(pk__in=allowed).order_by("name").first()


def _key_or_404(key: str, language: str):
    if key not in PLACEHOLDERS or language not in texts.SUPPORTED_LANGUAGES:
        raise Http404


@member_required
def wordings(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    own = {(w.key, w.language): w for w in SmsWording.objects.filter(organization=organization)}
    rows = []
    for key in PLACEHOLDERS:
        cells = []
        for language in texts.SUPPORTED_LANGUAGES:
            wording = own.get((key, language))
            body = wording.body if wording else wording_default(key, language)
            preview = wording_preview(organization, key, language, body) if body.startswith("{org}") else None
            cells.append({"language": language, "own": wording is not None, "preview": preview})
        rows.append({"key": key, "label": KEY_LABELS[key], "cells": cells})
    return render(
        request,
        "frontend/desk/messages/list.html",
        {
            "organization": organization,
            "rows": rows,
            "language_columns": [(code, LANGUAGE_NAMES[code]) for code in texts.SUPPORTED_LANGUAGES],
            "organizations": Organization.objects.filter(
                pk__in=organization_ids_allowing(request.user, Action.MANAGE)
            ).order_by("name"),
            "active": "messages",
        },
    )


def _edit_page(request, organization, key, language, form, *, preview=None, status=200):
    history = []
    row = SmsWording.objects.filter(organization=organization, key=key, language=language).first()
    history = list(
        SmsWording.history.filter(organization_id=organization.pk, key=key, language=language)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "frontend/desk/messages/edit.html",
        {
            "organization": organization,
            "key": key,
            "label": KEY_LABELS[key],
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "form": form,
            "preview": preview,
            "own": row is not None,
            "default": wording_default(key, language),
            "placeholders": sorted(PLACEHOLDERS[key] | {"org", "phone"}),
            "history": history,
            "preview_url": reverse("frontend:wording-preview", args=[key, language]),
            "active": "messages",
        },
        status=status,
    )


@member_required
def wording_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    _key_or_404(key, language)
    organization = _organization(request)
    if request.method == "POST" and request.POST.get("action") == "reset":
        wording_reset(organization, key, language, by=request.user)
        messages.success(request, _("Back to the default text."))
        return redirect(f"{reverse('frontend:wording', args=[key, language])}?organization={organization.pk}")
    form = WordingForm(request.POST or None, initial={"body": wording_current(organization, key, language)})
    preview = None
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if request.POST.get("action") == "preview":
                preview = wording_preview(organization, key, language, body)
            else:
                preview = wording_save(
                    organization,
                    key,
                    language,
                    body,
                    by=request.user,
                    confirm_segments=form.cleaned_data["confirm_segments"],
                )
                messages.success(request, _("The text is saved: the next messages use it."))
                return redirect(f"{reverse('frontend:wording', args=[key, language])}?organization={organization.pk}")
        except DomainError as error:
            errors_on_form(form, error, default_field="body")
            try:
                preview = wording_preview(organization, key, language, body)
            except DomainError:
                preview = None
    elif request.method == "GET":
        try:
            preview = wording_preview(organization, key, language, form.initial["body"])
        except DomainError:
            preview = None
    status = 400 if form.errors else 200
    return _edit_page(request, organization, key, language, form, preview=preview, status=status)


@member_required
def wording_preview_json(request: HttpRequest, key: str, language: str) -> JsonResponse:
    """The live preview as the administrator types (frontend/static/frontend/wording.js)."""
    _key_or_404(key, language)
    organization = _organization(request)
    try:
        preview = wording_preview(organization, key, language, request.GET.get("body", "")[:640])
    except DomainError as error:
        return JsonResponse({"error": error.message, "fields": error.fields}, status=400)
    return JsonResponse(
        {"text": preview.text, "encoding": preview.encoding, "length": preview.length, "segments": preview.segments}
    )
