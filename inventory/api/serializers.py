from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fastlist import ListRows
from core.api.fields import RelatedCharField
from core.api.schema import ErrorSerializer
from organizations.api.fields import OrganizationField, TenantSerializerMixin
from organizations.models import Grant
from organizations.permissions import Action, organization_ids_allowing

from .. import selectors
from ..choices import ConditionGrade, DeviceKind, DeviceStatus, DonorKind, WipeMethod
from ..models import Device, DeviceEvent, Donor, RepairTicket, WipeRecord
from ..services import allowed_actions


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row of the caller's organisations (with `action` rights); others are 'does not exist'."""

    def __init__(self, *, model, org_field: str = "organization", action: Action = Action.CHANGE, **kwargs):
        self.model, self.org_field, self.required_action = model, org_field, action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        if request.user.is_superuser:
            return self.model.objects.all()
        ids = organization_ids_allowing(request.user, self.required_action)
        return self.model.objects.filter(**{f"{self.org_field}_id__in": ids})


class DonorSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = ["id", "organization", "name", "kind", "contact_name", "contact_email", "contact_phone", "notes"]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        organization = attrs.get("organization", getattr(self.instance, "organization", None))
        name = attrs.get("name", getattr(self.instance, "name", None))
        clash = Donor.objects.filter(organization=organization, name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": [_("There is already a donor with this name.")]})
        return attrs


class DeviceSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    donor = ScopedRelatedField(model=Donor, required=False, allow_null=True)
    grant = ScopedRelatedField(model=Grant, required=False, allow_null=True)
    donor_name = RelatedCharField(source="donor.name")
    grant_name = RelatedCharField(source="grant.name")
    status = serializers.ChoiceField(choices=DeviceStatus.choices, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "organization",
            "asset_tag",
            "label_code",
            "kind",
            "make",
            "model",
            "serial",
            "cpu",
            "ram_gb",
            "storage_gb",
            "os",
            "screen_inches",
            "source",
            "donor",
            "donor_name",
            "grant",
            "grant_name",
            "intake_date",
            "value",
            "condition",
            "location",
            "accessories",
            "notes",
            "centre_use",
            "status",
            "status_changed_at",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["label_code", "status_changed_at", "created_at", "updated_at"]
        extra_kwargs = {"value": {"min_value": 0}, "notes": {"max_length": 5000}}
        validators = []  # uniqueness is checked in validate() with field-named messages

    def get_allowed_actions(self, device) -> list[str]:
        return allowed_actions(device.status)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        organization = attrs.get("organization", getattr(self.instance, "organization", None))
        errors = {}
        for name in ("donor", "grant"):
            related = attrs.get(name)
            if related is not None and related.organization_id != organization.id:
                errors[name] = [_("This belongs to another organisation.")]
        others = Device.objects.filter(organization=organization)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        tag = attrs.get("asset_tag")
        if tag and others.filter(asset_tag=tag).exists():
            errors["asset_tag"] = [_("This organisation already has a device with this asset tag.")]
        serial = attrs.get("serial")
        if serial and others.filter(serial=serial).exists():
            errors["serial"] = [_("This organisation already has a device with this serial number.")]
        if self.instance is not None and "asset_tag" in attrs and not tag:
            errors["asset_tag"] = [_("An asset tag cannot be emptied.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class DeviceListRows(ListRows):
    """The device list (core.api.fastlist): DeviceSerializer's representation from `.values()` rows, the
    donor's and grant's names joined for the page's rows only (pinned equal by a test)."""

    serializer_class = DeviceSerializer
    keys = {
        "organization": "organization_id",
        "donor": "donor_id",
        "grant": "grant_id",
        "donor_name": "donor__name",
        "grant_name": "grant__name",
    }
    computed = ("allowed_actions",)
    tally = staticmethod(selectors.device_list_tally)

    def filler(self, extra, *, user):
        def fill(item: dict, row: dict) -> None:
            item["allowed_actions"] = allowed_actions(row["status"])

        return fill


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DeviceEventSerializer(serializers.ModelSerializer):
    by = RelatedCharField(source="by.username")

    class Meta:
        model = DeviceEvent
        fields = ["id", "action", "from_status", "to_status", "note", "by", "at"]


class CertificateFileField(serializers.FileField):
    """Uploaded as a file; answered as the URL of the download view, which checks membership of the
    device's organisation (`wipe-records/{id}/certificate/`). Never a public /media/ URL."""

    def to_representation(self, value):
        if not value:
            return None
        url = reverse("wipe-record-certificate", args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class WipeRecordSerializer(serializers.ModelSerializer):
    device = ScopedRelatedField(model=Device)
    certificate_file = CertificateFileField(required=False, allow_null=True)

    class Meta:
        model = WipeRecord
        fields = [
            "id",
            "device",
            "method",
            "tool",
            "wiped_on",
            "operator",
            "certificate_reference",
            "certificate_file",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]

    def validate_operator(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Say who did the wipe."))
        return value.strip()

    def validate_certificate_file(self, value):
        if value and value.size > 10 * 1024 * 1024:
            raise serializers.ValidationError(_("The file is larger than 10 MB."))
        return value

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)):
            fields["device"] = serializers.PrimaryKeyRelatedField(read_only=True)
        return fields


class RepairTicketSerializer(serializers.ModelSerializer):
    device = ScopedRelatedField(model=Device)

    class Meta:
        model = RepairTicket
        fields = [
            "id",
            "device",
            "partner",
            "problem",
            "sent_on",
            "returned_on",
            "cost",
            "outcome",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"cost": {"min_value": 0}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)):
            fields["device"] = serializers.PrimaryKeyRelatedField(read_only=True)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        sent_on = attrs.get("sent_on", getattr(self.instance, "sent_on", None))
        returned_on = attrs.get("returned_on", getattr(self.instance, "returned_on", None))
        if sent_on and returned_on and returned_on < sent_on:
            raise serializers.ValidationError({"returned_on": [_("The return date is before the date it was sent.")]})
        return attrs


@extend_schema_field(OpenApiTypes.INT)
class _OrganizationIdField(OrganizationField):
    pass


class DeviceImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class DeviceImportReportSerializer(serializers.Serializer):
    """What `devices/import/` answers: a dry run's check (200) or the rows imported (201)."""

    total = serializers.IntegerField()
    created = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    errors = DeviceImportRowErrorSerializer(many=True)


class DeviceImportRefusalSerializer(ErrorSerializer):
    """A 400 of `devices/import/`: the API's error shape; when the rows were read (code `invalid_rows`), also
    the report of every bad row, with `ok` false. A bad form or unreadable file has the error shape only."""

    total = serializers.IntegerField(required=False)
    created = serializers.IntegerField(required=False)
    dry_run = serializers.BooleanField(required=False)
    ok = serializers.BooleanField(required=False)
    errors = DeviceImportRowErrorSerializer(many=True, required=False)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    organization = _OrganizationIdField(required=False)
    dry_run = serializers.BooleanField(default=True)
    donor = ScopedRelatedField(model=Donor, required=False, allow_null=True)

    def validate(self, attrs):
        if "organization" not in attrs:
            choices = list(self.fields["organization"].get_queryset()[:2])
            if len(choices) != 1:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organization"] = choices[0]
        donor = attrs.get("donor")
        if donor is not None and donor.organization_id != attrs["organization"].id:
            raise serializers.ValidationError({"donor": [_("This belongs to another organisation.")]})
        return attrs


class LabelsSerializer(serializers.Serializer):
    # Bounded ids: a number past 64 bits would crash the database driver (a 500) instead of being unknown.
    devices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=5000
    )
    columns = serializers.IntegerField(min_value=1, max_value=6, default=3)
    rows = serializers.IntegerField(min_value=1, max_value=16, default=8)
    start_at = serializers.IntegerField(
        min_value=1, max_value=96, default=1, help_text="First free label (1 = top left)."
    )


class IntakeWipeSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=WipeMethod.choices)
    tool = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    operator = serializers.CharField(max_length=120)
    wiped_on = serializers.DateField(required=False)
    certificate_reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class IntakeSerializer(serializers.Serializer):
    """A donation taken in at once (inventory.intake.donation_intake): `donor` or `new_donor_name`."""

    organization = _OrganizationIdField(required=False)
    donor = ScopedRelatedField(model=Donor, required=False, allow_null=True)
    new_donor_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    new_donor_kind = serializers.ChoiceField(choices=DonorKind.choices, default=DonorKind.COMPANY)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    make = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    serials = serializers.ListField(child=serializers.CharField(max_length=80), max_length=500)
    condition = serializers.ChoiceField(choices=ConditionGrade.choices, default=ConditionGrade.B)
    location = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    grant = ScopedRelatedField(model=Grant, required=False, allow_null=True)
    wipe = IntakeWipeSerializer(required=False, allow_null=True)
    make_available = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if "organization" not in attrs:
            choices = list(self.fields["organization"].get_queryset()[:2])
            if len(choices) != 1:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organization"] = choices[0]
        for name in ("donor", "grant"):
            related = attrs.get(name)
            if related is not None and related.organization_id != attrs["organization"].id:
                raise serializers.ValidationError({name: [_("This belongs to another organisation.")]})
        if not attrs.get("donor") and not attrs.get("new_donor_name"):
            raise serializers.ValidationError({"donor": [_("Choose the donor, or give a new donor's name.")]})
        return attrs
