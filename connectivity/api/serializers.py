from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import RelatedCharField
from inventory.choices import DeviceKind
from inventory.models import Device, RepairTicket
from organizations.api.fields import OrganizationField, TenantSerializerMixin
from organizations.models import Grant, Participant
from organizations.selectors import scope_to_user

from ..choices import EligibilityBasis
from ..models import CodeBatch, CodeRevealLog, ConnectivityProgramme, Digicheque, DigichequeBatch, EligibilityCode, Pack


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row of the caller's organisations only; anything else is 'does not exist'."""

    def __init__(self, model, *, extra_filter=None, organization_field="organization", **kwargs):
        self.model = model
        self.extra_filter = extra_filter or {}
        self.organization_field = organization_field
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        queryset = self.model.objects.filter(**self.extra_filter)
        return scope_to_user(queryset, request.user, field=self.organization_field)


class PackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pack
        fields = [
            "id",
            "programme",
            "name",
            "monthly_price",
            "data_allowance",
            "connection_type",
            "modem_included",
            "term_months",
            "renewable",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    packs = PackSerializer(many=True, read_only=True)

    class Meta:
        model = ConnectivityProgramme
        fields = [
            "id",
            "provider",
            "name",
            "description",
            "eligibility_rules",
            "one_per_household",
            "recheck_interval_months",
            "activation_url",
            "activation_phone",
            "is_active",
            "packs",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class CodeBatchSerializer(serializers.ModelSerializer):
    code_count = serializers.IntegerField(read_only=True)
    available_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CodeBatch
        fields = [
            "id",
            "organization",
            "programme",
            "grant",
            "reference",
            "imported_at",
            "code_count",
            "available_count",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class TypedOrganizationField(OrganizationField):
    """The same field, typed for the schema (a plain Serializer has no model to derive it from)."""


class CodeImportSerializer(TenantSerializerMixin, serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=ConnectivityProgramme.objects.all())
    grant = ScopedRelatedField(Grant, required=False, allow_null=True)
    file = serializers.FileField(help_text=_("The provider's CSV with the columns code, pack, expiry."))
    reference = serializers.CharField(required=False, allow_blank=True, max_length=120)
    dry_run = serializers.BooleanField(required=False, default=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["organization"] = TypedOrganizationField(
            action=self.organization_action, required=False, help_text=fields["organization"].help_text
        )
        return fields

    def validate_file(self, value):
        if value.size > 2_000_000:
            raise serializers.ValidationError(_("The file is too large (at most 2 MB)."))
        raw = value.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise serializers.ValidationError(_("The file is not a text CSV file."))


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    ok = serializers.BooleanField()
    errors = ImportErrorSerializer(many=True)
    batch = CodeBatchSerializer(allow_null=True)


class EligibilityCodeSerializer(serializers.ModelSerializer):
    """Lists and details never carry the code itself: only `masked_code`."""

    masked_code = serializers.CharField(read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    pack_name = serializers.CharField(source="pack.name", read_only=True)
    participant_name = RelatedCharField(source="participant.display_name")

    class Meta:
        model = EligibilityCode
        fields = [
            "id",
            "organization",
            "batch",
            "programme",
            "programme_name",
            "pack",
            "pack_name",
            "masked_code",
            "status",
            "status_changed_at",
            "expires_on",
            "participant",
            "participant_name",
            "eligibility_basis",
            "household_ref",
            "assigned_at",
            "activated_on",
            "recheck_on",
            "revoked_reason",
            "modem",
            "modem_handover",
        ]
        read_only_fields = fields


class CodeRevealSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ChequeRevealedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()


class CodeRevealedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class CodeAssignSerializer(serializers.Serializer):
    participant = ScopedRelatedField(Participant)
    eligibility_basis = serializers.ChoiceField(choices=EligibilityBasis.choices)
    household_ref = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")
    modem = ScopedRelatedField(
        Device,
        extra_filter={"kind": DeviceKind.MODEM_4G},
        required=False,
        allow_null=True,
        help_text=_("A 4G modem given with the code (to keep). Lend one through a loan instead."),
    )
    recheck_on = serializers.DateField(required=False, allow_null=True)


class CodeActivateSerializer(serializers.Serializer):
    activated_on = serializers.DateField(required=False, allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class CodeRecheckSerializer(serializers.Serializer):
    still_eligible = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class SmsQueuedSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField()


class CodeRevealLogSerializer(serializers.ModelSerializer):
    by = RelatedCharField(source="by.username")

    class Meta:
        model = CodeRevealLog
        fields = ["id", "organization", "code", "by", "at", "purpose", "reason"]
        read_only_fields = fields


class DigichequeBatchSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    grant = ScopedRelatedField(Grant, required=False, allow_null=True)
    serials = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, write_only=True, max_length=10_000
    )
    serial_prefix = serializers.CharField(required=False, allow_blank=True, max_length=20, write_only=True)
    first_number = serializers.IntegerField(required=False, min_value=0, write_only=True)
    last_number = serializers.IntegerField(required=False, min_value=0, write_only=True)
    in_stock_count = serializers.IntegerField(read_only=True)
    unit_value = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    purchase_price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)

    class Meta:
        model = DigichequeBatch
        fields = [
            "id",
            "organization",
            "supplier",
            "unit_value",
            "purchase_price",
            "quantity",
            "purchased_on",
            "expires_on",
            "grant",
            "serials",
            "serial_prefix",
            "first_number",
            "last_number",
            "in_stock_count",
            "created_at",
        ]
        read_only_fields = ["quantity", "created_at"]


class DigichequeSerializer(serializers.ModelSerializer):
    masked_serial = serializers.CharField(read_only=True)  # the serial in clear: POST .../reveal/, logged
    supplier = serializers.CharField(source="batch.supplier", read_only=True)
    unit_value = serializers.DecimalField(source="batch.unit_value", max_digits=8, decimal_places=2, read_only=True)
    expires_on = serializers.DateField(source="batch.expires_on", read_only=True)
    participant_name = RelatedCharField(source="participant.display_name")

    class Meta:
        model = Digicheque
        fields = [
            "id",
            "organization",
            "batch",
            "masked_serial",
            "supplier",
            "unit_value",
            "expires_on",
            "status",
            "status_changed_at",
            "use",
            "participant",
            "participant_name",
            "repair_reference",
            "repair_ticket",
            "device",
            "price_charged",
            "issued_at",
            "redeemed_on",
            "redeemed_purpose",
            "void_reason",
        ]
        read_only_fields = fields


class DigichequeIssueSerializer(serializers.Serializer):
    participant = ScopedRelatedField(Participant)
    price_charged = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, default=0)


class DigichequeSpendSerializer(serializers.Serializer):
    repair_ticket = ScopedRelatedField(
        RepairTicket, organization_field="device__organization", required=False, allow_null=True
    )
    repair_reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    device = ScopedRelatedField(Device, required=False, allow_null=True)


class DigichequeRedeemSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=255)
    redeemed_on = serializers.DateField(required=False, allow_null=True)


class DigichequeBalanceSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    grant_id = serializers.IntegerField(allow_null=True)
    total_count = serializers.IntegerField()
    in_stock_count = serializers.IntegerField()
    in_stock_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    issued_count = serializers.IntegerField()
    issued_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    redeemed_count = serializers.IntegerField()
    redeemed_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    expired_count = serializers.IntegerField()
    expired_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    void_count = serializers.IntegerField()
    void_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    purchase_price = serializers.DecimalField(max_digits=14, decimal_places=2)
