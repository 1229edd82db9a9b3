"""Forms of the staff desk. Each one validates against the user's own organisations only: a tag,
participant or policy of another organisation reads as "not found", exactly like a typo."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from loans.choices import PaymentKind, PaymentMethod, ReturnCondition
from loans.models import Cohort, LoanItem, LoanPolicy
from loans.services import today
from organizations.models import Participant
from organizations.permissions import Action, organization_ids_allowing

SCAN_URL = re.compile(r"/s/([A-Za-z0-9]+)/?$")


def writable_organization_ids(user) -> list[int] | None:
    """Organisations where the user may check out and in; None means every one (superuser)."""
    if user.is_superuser:
        return None
    return organization_ids_allowing(user, Action.CHANGE)


def find_device(user, text: str) -> Device | None:
    """A device of the user's organisations by asset tag or by its scanned label (URL or bare code)."""
    text = text.strip()
    match = SCAN_URL.search(text)
    queryset = Device.objects.all()
    org_ids = writable_organization_ids(user)
    if org_ids is not None:
        queryset = queryset.filter(organization_id__in=org_ids)
    if match:
        return queryset.filter(label_code=match.group(1)).first()
    return (queryset.filter(asset_tag__iexact=text) | queryset.filter(label_code=text)).order_by("id").first()


def split_tags(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value or "") if part]


class DeviceTagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Device tag or scanned label"),
        help_text=_("Scan the label or type the tag. For a kit, give several, separated by spaces."),
        max_length=500,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.devices: list[Device] = []

    def clean_tags(self):
        value = self.cleaned_data["tags"]
        devices, errors = [], []
        for tag in split_tags(value):
            device = find_device(self.user, tag)
            if device is None:
                errors.append(_("No device “%(tag)s” in your organisation.") % {"tag": tag})
            elif device.status != DeviceStatus.AVAILABLE:
                errors.append(
                    _("%(tag)s cannot be lent: it is %(status)s.")
                    % {"tag": device.asset_tag, "status": str(device.get_status_display()).lower()}
                )
            elif any(d.pk == device.pk for d in devices):
                errors.append(_("%(tag)s is listed twice.") % {"tag": device.asset_tag})
            else:
                devices.append(device)
        if not devices and not errors:
            errors.append(_("Scan or type at least one device tag."))
        if len({d.organization_id for d in devices}) > 1:
            errors.append(_("These devices belong to different organisations."))
        if errors:
            raise forms.ValidationError(errors)
        self.devices = devices
        return value


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, reference or phone"), max_length=80, required=False)


class ParticipantCreateForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["display_name", "phone", "preferred_language", "sms_consent", "reference"]


class ParticipantEditForm(forms.ModelForm):
    """The details staff correct at the counter: a new phone, consent given or withdrawn, a file number.
    Age band and gender are asked only for the funders' figures, and may stay empty."""

    class Meta:
        model = Participant
        fields = [
            "display_name",
            "phone",
            "preferred_language",
            "sms_consent",
            "reference",
            "note",
            "age_band",
            "gender",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class WaitlistForm(forms.Form):
    device_kind = forms.ChoiceField(label=_("Waiting for"), choices=[("", "---------"), *DeviceKind.choices])
    offer_days = forms.IntegerField(label=_("Keep an offered device for (days)"), min_value=1, max_value=30, initial=3)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class _PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.agreement_required:
            return _("%(name)s (signed agreement required)") % {"name": obj.name}
        return obj.name


class PolicyForm(forms.Form):
    """Step 3 of checkout. A policy that requires the signed agreement lends only with the box ticked
    (loans.services.loan_checkout refuses otherwise, and the refusal shows next to the box)."""

    policy = _PolicyChoiceField(label=_("Loan policy"), queryset=LoanPolicy.objects.none(), empty_label=None)
    cohort = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("Only for a policy that lends until a course ends."),
    )
    accessories = forms.CharField(label=_("Accessories given"), max_length=255, required=False)
    agreement_signed = forms.BooleanField(
        label=_("The participant signed the agreement"),
        required=False,
        help_text=_("Required by a policy marked “signed agreement required”: the device stays here until then."),
    )

    # signed on the tablet (frontend/static/frontend/signature.js): counts as the signed agreement
    signature = forms.CharField(required=False, max_length=450_000, widget=forms.HiddenInput)
    payment = forms.ChoiceField(
        label=_("Fee and deposit"),
        choices=[
            ("later", _("Not paid yet")),
            (PaymentMethod.CASH, _("Paid now in cash")),
            (PaymentMethod.TRANSFER, _("Paid now by bank transfer")),
        ],
        initial="later",
        required=False,  # not given: not paid yet
        widget=forms.RadioSelect,
        help_text=_("Paid now: recorded as received by you."),
    )
    fee_paid = forms.DecimalField(
        label=_("Fee paid now (EUR)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the fee shown in the terms."),
    )
    deposit_paid = forms.DecimalField(
        label=_("Deposit paid now (EUR)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the deposit shown in the terms."),
    )

    def __init__(self, *args, organization, devices, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = {d.kind for d in devices}
        policies = LoanPolicy.objects.filter(organization=organization, is_active=True)
        self.fields["policy"].queryset = policies.filter(device_kind__in=[*kinds, ""]).order_by("name")
        courses = Cohort.objects.filter(organization=organization).order_by("-starts_on")
        self.fields["cohort"].queryset = courses
        current = list(courses.filter(ends_on__gte=today())[:2])
        if len(current) == 1:  # the only course running is preselected
            self.fields["cohort"].initial = current[0].pk

    def payments(self, terms) -> dict | None:
        """What to record as paid now for the chosen policy's `terms`, or None when not paid yet."""
        data = self.cleaned_data
        if data.get("payment") in ("", "later", None):
            return None
        fee = data["fee_paid"] if data["fee_paid"] is not None else terms.fee_due
        deposit = data["deposit_paid"] if data["deposit_paid"] is not None else terms.deposit
        return {"method": data["payment"], "fee": fee, "deposit": deposit}


class CheckinForm(forms.Form):
    tag = forms.CharField(label=_("Device tag or scanned label"), max_length=200)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=ReturnCondition.choices, initial=ReturnCondition.GOOD, widget=forms.RadioSelect
    )
    accessories_returned = forms.CharField(label=_("Accessories returned"), max_length=255, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    refund_deposit = forms.BooleanField(label=_("Give back the deposit now"), required=False)
    refund_amount = forms.DecimalField(
        label=_("Amount given back (EUR)"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_(
            "Empty: the whole deposit. Less when part is kept, e.g. for a missing charger (say why in the note)."
        ),  # noqa: E501
    )
    # the loan whose deposit the page showed: a scanned device with a deposit to give back is shown first
    deposit_shown = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.item: LoanItem | None = None

    def clean_tag(self):
        tag = self.cleaned_data["tag"]
        device = find_device(self.user, tag)
        if device is None:
            raise forms.ValidationError(_("No device “%(tag)s” in your organisation.") % {"tag": tag.strip()})
        self.item = _open_item(device)
        if self.item is None:
            raise forms.ValidationError(_("%(tag)s is not out on loan.") % {"tag": device.asset_tag})
        return tag


def _open_item(device):
    return (
        LoanItem.objects.filter(device=device, closed_at__isnull=True)
        .select_related("loan__participant", "loan__organization", "device")
        .first()
    )


def open_loan_item(user, tag: str) -> LoanItem | None:
    """The open loan line of the device a tag or scanned label names, in the user's organisations."""
    device = find_device(user, tag)
    return _open_item(device) if device is not None else None


class PaymentForm(forms.Form):
    """A fee or deposit received at the loan page."""

    kind = forms.ChoiceField(label=_("What"), choices=PaymentKind.choices, initial=PaymentKind.DEPOSIT)
    amount = forms.DecimalField(label=_("Amount (EUR)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    method = forms.ChoiceField(
        label=_("Paid"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class SignatureForm(forms.Form):
    """The participant's signature drawn on the loan page (a PNG data URL filled by signature.js)."""

    signature = forms.CharField(
        label=_("Signature"),
        max_length=450_000,
        widget=forms.HiddenInput,
        error_messages={"required": _("The signature is empty: sign in the box.")},
    )


class RefundForm(forms.Form):
    """A payment given back, all of it or part of it."""

    refund_amount = forms.DecimalField(
        label=_("Amount given back (EUR)"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Empty: all of it."),
    )
    note = forms.CharField(label=_("Why part is kept"), max_length=120, required=False)


class LabelsForm(forms.Form):
    tags = forms.CharField(
        label=_("Device tags"),
        help_text=_("Separated by spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.devices: list[Device] = []

    def clean_tags(self):
        value = self.cleaned_data["tags"]
        missing = []
        for tag in split_tags(value):
            device = find_device(self.user, tag)
            if device is None:
                missing.append(tag)
            elif device not in self.devices:
                self.devices.append(device)
        if missing:
            raise forms.ValidationError(
                _("Not found in your organisation: %(tags)s") % {"tags": ", ".join(missing[:20])}
            )
        if not self.devices:
            raise forms.ValidationError(_("Scan or type at least one device tag."))
        return value
