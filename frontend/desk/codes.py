"""Internet codes at the desk: give the next code of a pack to a participant (household rule, basis of
eligibility, the 4G modem handed over in the same step), then the code's page: the letter in the
participant's language, the SMS with consent, the activation, revoking with a reason, revealing the code
(logged, shown in its history). The logic is connectivity.services, shared with the API."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from connectivity.choices import CODE_HELD_STATUSES, CodeStatus, EligibilityBasis
from connectivity.models import CodeRevealLog, ConnectivityProgramme, EligibilityCode, Pack
from connectivity.selectors import codes_for_user
from connectivity.services import (
    code_activate,
    code_assign_next,
    code_batch_import,
    code_deliver_sms,
    code_letter,
    code_reveal,
    code_revoke,
)
from core.errors import DomainError
from inventory.choices import DeviceKind
from organizations.models import Organization
from organizations.permissions import REVEAL, Action, can, may_reveal, organization_ids_allowing
from organizations.selectors import participants_for_user

from ..forms import find_device
from .access import errors_on_form, form_status, member_required, pdf_response


class CodeAssignForm(forms.Form):
    pack = forms.ModelChoiceField(label=gettext_lazy("Pack"), queryset=Pack.objects.none(), empty_label=None)
    eligibility_basis = forms.ChoiceField(
        label=gettext_lazy("Eligible as"),
        choices=[("", "---------"), *EligibilityBasis.choices],
        help_text=gettext_lazy("A category only: never a national register number."),
    )
    household_ref = forms.CharField(
        label=gettext_lazy("Household"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("One code per household: e.g. the street and number, or your household file number."),
    )
    modem = forms.CharField(
        label=gettext_lazy("4G modem given (tag or scanned label)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Only for a pack that comes with a modem."),
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("Give the code"),
        choices=[("letter", gettext_lazy("Print the letter")), ("sms", gettext_lazy("Send it by SMS"))],
        initial="letter",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, participant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant, self.user = participant, user
        self.fields["pack"].queryset = (
            Pack.objects.filter(codes__organization_id=participant.organization_id, codes__status=CodeStatus.AVAILABLE)
            .select_related("programme")
            .annotate(left=Count("codes", filter=Q(codes__status=CodeStatus.AVAILABLE)))
            .order_by("programme__name", "name")
        )
        self.fields["pack"].label_from_instance = lambda pack: (
            _("%(programme)s – %(pack)s (%(left)s left)")
            % {
                "programme": pack.programme.name,
                "pack": pack.name,
                "left": pack.left,
            }
        )

    def clean(self):
        data = super().clean()
        pack, tag = data.get("pack"), (data.get("modem") or "").strip()
        data["modem_device"] = None
        if pack is not None and pack.modem_included and not tag:
            self.add_error("modem", _("This pack comes with a 4G modem: scan the one you give."))
        if tag:
            device = find_device(self.user, tag)
            if device is None or device.organization_id != self.participant.organization_id:
                self.add_error("modem", _("No device “%(tag)s” in your organisation.") % {"tag": tag})
            elif device.kind != DeviceKind.MODEM_4G:
                self.add_error("modem", _("This device is not a 4G modem."))
            else:
                data["modem_device"] = device
        if data.get("delivery") == "sms":
            if not (self.participant.sms_consent and self.participant.phone):
                self.add_error("delivery", _("No SMS consent or no mobile number: print the letter instead."))
            elif not may_reveal(self.user, self.participant.organization_id):
                self.add_error("delivery", _("Your role does not send codes in clear: ask a staff member."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it revoked?"), max_length=255)


def _participant_or_404(request, participant_id: int):
    participant = participants_for_user(request.user).select_related("organization").filter(pk=participant_id).first()
    if participant is None or not can(request.user, participant.organization_id, Action.CHANGE):
        raise Http404
    return participant


def _code_or_404(request, code_id: int, action: Action = Action.VIEW) -> EligibilityCode:
    code = codes_for_user(request.user).select_related("organization").filter(pk=code_id).first()
    if code is None or not can(request.user, code.organization_id, action):
        raise Http404
    return code


def _held_refusal(participant) -> str:
    """Why no code can be offered, before the form is filled: the household rule said early."""
    held = codes_for_user_participant(participant)
    if held:
        return _("%(name)s already holds a code: %(codes)s. A second one needs the first revoked.") % {
            "name": participant.display_name,
            "codes": ", ".join(f"{code.programme.name} ({code.masked_code})" for code in held),
        }
    return ""


def codes_for_user_participant(participant) -> list:
    return list(
        EligibilityCode.objects.filter(participant=participant, status__in=CODE_HELD_STATUSES).select_related(
            "programme"
        )
    )


@member_required
def code_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant_or_404(request, participant_id)
    form = CodeAssignForm(request.POST or None, participant=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            code = code_assign_next(
                pack=data["pack"],
                organization_id=participant.organization_id,
                participant=participant,
                eligibility_basis=data["eligibility_basis"],
                household_ref=data["household_ref"],
                modem=data["modem_device"],
                by=request.user,
            )
            if data["delivery"] == "sms":
                code_deliver_sms(code=code, by=request.user)
        except DomainError as error:
            errors_on_form(form, error, default_field="pack")
        else:
            if data["delivery"] == "sms":
                messages.success(request, _("Code given; the SMS with the code is on its way."))
            else:
                messages.success(request, _("Code given. Print the letter and hand it over."))
            return redirect(f"{reverse('frontend:code', args=[code.pk])}?new={data['delivery']}")
    return render(
        request,
        "frontend/desk/codes/new.html",
        {
            "participant": participant,
            "form": form,
            "refusal": _held_refusal(participant),
            "active": "participants",
        },
        status=form_status(request),
    )


def _code_page(request, code, *, revoke_form=None, revealed="", status=200):
    history = list(code.history.order_by("-history_date").select_related("history_user")[:20])
    reveals = list(CodeRevealLog.objects.filter(code=code).select_related("by").order_by("-at")[:20])
    return render(
        request,
        "frontend/desk/codes/code.html",
        {
            "code": code,
            "history": history,
            "reveals": reveals,
            "revoke_form": revoke_form or RevokeForm(),
            "revealed": revealed,
            "new": request.GET.get("new", ""),
            "may_change": can(request.user, code.organization_id, Action.CHANGE),
            "may_export": can(request.user, code.organization_id, Action.EXPORT),
            "active": "participants",
        },
        status=status,
    )


@member_required
def code_detail(request: HttpRequest, code_id: int) -> HttpResponse:
    return _code_page(request, _code_or_404(request, code_id))


@member_required
def code_letter_view(request: HttpRequest, code_id: int) -> HttpResponse:
    """The letter in the participant's language (the role table's export row: staff and admins)."""
    code = _code_or_404(request, code_id, Action.EXPORT)
    try:
        pdf = code_letter(code=code, by=request.user)
    except DomainError:
        raise Http404 from None
    return pdf_response(pdf, f"code-{code.pk}-letter.pdf")


@require_POST
@member_required
def code_action(request: HttpRequest, code_id: int, action: str) -> HttpResponse:
    # the code in clear (shown, or sent by SMS) is for the roles that may reveal a secret: staff and admins
    code = _code_or_404(request, code_id, REVEAL if action in ("reveal", "sms") else Action.CHANGE)
    try:
        if action == "reveal":
            clear = code_reveal(code=code, by=request.user, reason=_("shown at the desk"), purpose="reveal")
            return _code_page(request, code, revealed=clear)
        if action == "sms":
            code_deliver_sms(code=code, by=request.user)
            messages.success(request, _("The SMS with the code is on its way."))
        elif action == "activate":
            code_activate(code=code, by=request.user)
            messages.success(request, _("The activation is recorded."))
        elif action == "revoke":
            form = RevokeForm(request.POST)
            if not form.is_valid():
                return _code_page(request, code, revoke_form=form, status=400)
            code_revoke(code=code, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The code is revoked."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("frontend:code", code_id=code.pk)


# --- the stock and a provider's batch ------------------------------------------------------------------


class CodeImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=ConnectivityProgramme.objects.filter(is_active=True).order_by("name")
    )
    reference = forms.CharField(label=gettext_lazy("Batch reference (the provider's)"), max_length=120, required=False)
    file = forms.FileField(
        label=gettext_lazy("CSV file"), help_text=gettext_lazy("Columns: code, pack, expiry (one code per line).")
    )
    commit = forms.BooleanField(label=gettext_lazy("Import now (otherwise only check the file)"), required=False)

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.order_by("name")
        if org_ids is not None:
            orgs = orgs.filter(pk__in=org_ids)
        self.fields["organization"].queryset = orgs
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
            self.fields["organization"].widget = forms.HiddenInput()


@member_required
def code_stock(request: HttpRequest) -> HttpResponse:
    """Codes left per pack in the user's organisations, and the import of a provider's batch (a dry run
    listing every bad line, then an all-or-nothing commit)."""
    org_ids = organization_ids_allowing(request.user, Action.CHANGE)
    form = CodeImportForm(request.POST or None, request.FILES or None, org_ids=org_ids)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("The file must be UTF-8 text (CSV)."))
        else:
            arguments = {
                "organization": data["organization"],
                "programme": data["programme"],
                "csv_text": text,
                "reference": data["reference"],
                "by": request.user,
            }
            try:
                report = code_batch_import(**arguments, dry_run=True)  # every bad line listed, nothing written
                if report.ok and data["commit"]:
                    report = code_batch_import(**arguments, dry_run=False)  # all or nothing
            except DomainError as error:
                errors_on_form(form, error, default_field="file")
            else:
                if not report.ok:
                    form.add_error(
                        "file", _("%(count)d lines have errors; nothing was imported.") % {"count": len(report.errors)}
                    )
                elif not report.dry_run:
                    messages.success(request, _("%(count)d codes imported.") % {"count": report.rows})
                    return redirect("frontend:codes")
    stock = (
        EligibilityCode.objects.filter(organization_id__in=org_ids)
        .values("programme__name", "pack__name")
        .annotate(
            available=Count("pk", filter=Q(status=CodeStatus.AVAILABLE)),
            held=Count("pk", filter=Q(status__in=CODE_HELD_STATUSES)),
        )
        .order_by("programme__name", "pack__name")
    )
    return render(
        request,
        "frontend/desk/codes/stock.html",
        {"form": form, "report": report, "stock": list(stock), "active": "codes"},
        status=400 if form.errors else 200,
    )
