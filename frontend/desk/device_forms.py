"""Forms of the desk's device pages: the list's filters, a transition's data, a wipe record, the intake."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import ConditionGrade, DeviceKind, DeviceStatus, DonorKind, WipeMethod
from inventory.intake import split_serials
from inventory.models import Device, Donor
from organizations.models import Grant, Organization

BLANK = [("", "---------")]


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label=_("Tag, serial, make or model"), max_length=80, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + list(DeviceStatus.choices), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + list(DeviceKind.choices), required=False)
    location = forms.ChoiceField(label=_("Location"), choices=BLANK, required=False)

    def __init__(self, *args, locations: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = BLANK + [(loc, loc) for loc in locations]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RepairForm(forms.Form):
    partner = forms.CharField(label=_("Repair partner"), max_length=120)
    problem = forms.CharField(label=_("Problem"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class WipeForm(forms.Form):
    method = forms.ChoiceField(label=_("Wipe method"), choices=WipeMethod.choices)
    tool = forms.CharField(label=_("Tool"), max_length=80, required=False)
    operator = forms.CharField(label=_("Operator"), max_length=120)
    wiped_on = forms.DateField(
        label=_("Wiped on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    certificate_reference = forms.CharField(label=_("Certificate reference"), max_length=120, required=False)

    def clean_wiped_on(self):
        value = self.cleaned_data["wiped_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A wipe cannot be in the future."))
        return value


class LabelStartForm(forms.Form):
    devices = forms.ModelMultipleChoiceField(queryset=Device.objects.none(), widget=forms.MultipleHiddenInput)
    start_at = forms.IntegerField(label=_("Start at label number"), min_value=1, max_value=24, initial=1)

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Device.objects.select_related("organization")
        if org_ids is not None:
            queryset = queryset.filter(organization_id__in=org_ids)
        self.fields["devices"].queryset = queryset


class IntakeForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Donor.objects.none(), required=False)
    new_donor_name = forms.CharField(label=_("Or a new donor: name"), max_length=120, required=False)
    new_donor_kind = forms.ChoiceField(label=_("New donor's kind"), choices=DonorKind.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DeviceKind.choices, initial=DeviceKind.LAPTOP)
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    serials = forms.CharField(
        label=_("Serial numbers"),
        help_text=_("One per line: type them or scan each with the USB scanner."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=ConditionGrade.choices, initial=ConditionGrade.B)
    location = forms.CharField(label=_("Location"), max_length=80, required=False)
    grant = forms.ModelChoiceField(label=_("Grant"), queryset=Grant.objects.none(), required=False)
    wipe_method = forms.ChoiceField(label=_("Wipe method"), choices=BLANK + list(WipeMethod.choices), required=False)
    wipe_tool = forms.CharField(label=_("Wipe tool"), max_length=80, required=False)
    wipe_operator = forms.CharField(label=_("Wipe operator"), max_length=120, required=False)
    wiped_on = forms.DateField(
        label=_("Wiped on"), initial=timezone.localdate, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    certificate_reference = forms.CharField(label=_("Certificate reference"), max_length=120, required=False)
    make_available = forms.BooleanField(label=_("Make them available now"), required=False)

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.order_by("name")
        donors = Donor.objects.order_by("name")
        grants = Grant.objects.order_by("name")
        if org_ids is not None:
            orgs, donors, grants = (
                orgs.filter(pk__in=org_ids),
                donors.filter(organization_id__in=org_ids),
                grants.filter(organization_id__in=org_ids),
            )
        self.fields["organization"].queryset = orgs
        self.fields["donor"].queryset = donors
        self.fields["grant"].queryset = grants
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
            self.fields["organization"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        org = data.get("organization")
        if org is None:
            return data
        if data.get("donor") and data["donor"].organization_id != org.pk:
            self.add_error("donor", _("This donor is not one of this organisation's."))
        if data.get("grant") and data["grant"].organization_id != org.pk:
            self.add_error("grant", _("This grant is not one of this organisation's."))
        if not data.get("donor") and not data.get("new_donor_name"):
            self.add_error("donor", _("Choose the donor, or give a new donor's name."))
        if not split_serials(data.get("serials", "")):
            self.add_error("serials", _("Give at least one serial number, one per line."))
        if data.get("wipe_method") and not data.get("wipe_operator"):
            self.add_error("wipe_operator", _("Who did the wipe?"))
        if data.get("wiped_on") and data["wiped_on"] > timezone.localdate():
            self.add_error("wiped_on", _("A wipe cannot be in the future."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        wipe = None
        if d.get("wipe_method"):
            wipe = {
                "method": d["wipe_method"],
                "tool": d["wipe_tool"],
                "operator": d["wipe_operator"],
                "wiped_on": d["wiped_on"] or timezone.localdate(),
                "certificate_reference": d["certificate_reference"],
            }
        return {
            "organization": d["organization"],
            "donor": d.get("donor"),
            "new_donor": {"name": d["new_donor_name"], "kind": d["new_donor_kind"]} if not d.get("donor") else None,
            "kind": d["kind"],
            "make": d["make"],
            "model": d["model"],
            "serials": split_serials(d["serials"]),
            "condition": d["condition"],
            "location": d["location"],
            "grant": d.get("grant"),
            "wipe": wipe,
            "make_available": d["make_available"],
        }


class CsvImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    file = forms.FileField(label=_("CSV file"))
    commit = forms.BooleanField(label=_("Import now (otherwise only check the file)"), required=False)

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.order_by("name")
        if org_ids is not None:
            orgs = orgs.filter(pk__in=org_ids)
        self.fields["organization"].queryset = orgs
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
            self.fields["organization"].widget = forms.HiddenInput()
