import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fastlist import ListRows
from core.api.fields import RelatedCharField
from core.api.rows import converters, row_maker
from inventory.models import Device
from organizations.api.fields import TenantSerializerMixin
from organizations.models import Participant
from organizations.permissions import may_reveal
from organizations.selectors import scope_to_user

from .. import selectors
from ..choices import PaymentKind, PaymentMethod, ReturnCondition
from ..models import Cohort, Loan, LoanItem, LoanPolicy, Payment, WaitlistEntry
from ..services import renewals_left, today


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row of the caller's organisations only; another organisation's row 'does not exist'."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        # The unscoped queryset only tells the schema generator the model; get_queryset() scopes every lookup.
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return scope_to_user(self.model.objects.all(), request.user)


class LoanPolicySerializer(TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = LoanPolicy
        fields = [
            "id",
            "organization",
            "name",
            "device_kind",
            "period_kind",
            "period_days",
            "max_renewals",
            "renewal_days",
            "renewal_mode",
            "refuse_renewal_when_waitlist",
            "fee_amount",
            "fee_period",
            "deposit_amount",
            "grace_days",
            "reminder_offsets",
            "follow_up_after_days",
            "agreement_required",
            "wipe_on_return",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []

    def validate_reminder_offsets(self, value):
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise serializers.ValidationError(_("A list of whole numbers of days, e.g. [-3, 0, 3, 7]."))
        if any(abs(v) > 365 for v in value):
            raise serializers.ValidationError(_("Each offset must be within a year of the due date."))
        return sorted(set(value))

    def validate(self, attrs):
        attrs = super().validate(attrs)

        def get(name):
            return attrs.get(name, getattr(self.instance, name, None))

        if get("period_kind") == "days" and not get("period_days"):
            raise serializers.ValidationError({"period_days": [_("Give the loan period in days.")]})
        if (get("max_renewals") or 0) > 0 and not get("renewal_days"):
            raise serializers.ValidationError({"renewal_days": [_("Give the length of a renewal in days.")]})
        clash = LoanPolicy.objects.filter(organization=get("organization"), name=get("name"))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": [_("A policy with this name already exists.")]})
        return attrs


class CohortSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "organization", "name", "starts_on", "ends_on"]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": [_("The end date is before the start date.")]})
        organization = attrs.get("organization", getattr(self.instance, "organization", None))
        clash = Cohort.objects.filter(
            organization=organization, name=attrs.get("name", getattr(self.instance, "name", None))
        )
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": [_("A course with this name already exists.")]})
        return attrs


class LoanItemSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="device.asset_tag", read_only=True)
    kind = serializers.CharField(source="device.kind", read_only=True)
    make = serializers.CharField(source="device.make", read_only=True)
    model = serializers.CharField(source="device.model", read_only=True)
    serial = serializers.CharField(source="device.serial", read_only=True)

    class Meta:
        model = LoanItem
        fields = [
            "id",
            "device",
            "asset_tag",
            "kind",
            "make",
            "model",
            "serial",
            "accessories",
            "closed_at",
            "return_condition",
            "accessories_returned",
        ]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    participant_name = serializers.CharField(source="participant.display_name", read_only=True)
    policy_name = serializers.CharField(source="policy.name", read_only=True)
    items = LoanItemSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    renewals_left = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = [
            "id",
            "organization",
            "participant",
            "participant_name",
            "policy",
            "policy_name",
            "cohort",
            "status",
            "started_on",
            "due_on",
            "is_overdue",
            "closed_at",
            "items",
            "max_renewals",
            "renewals_count",
            "renewals_left",
            "renewal_days",
            "fee_amount",
            "fee_period",
            "deposit_amount",
            "grace_days",
            "reminder_offsets",
            "follow_up_after_days",
            "wipe_on_return",
            "agreement_required",
            "agreement_signed_at",
            "public_url",
            "token_revoked_at",
            "checked_out_by",
            "checked_in_by",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, loan) -> bool:
        """Open, and its due date plus its grace days have passed."""
        return loan.overdue_on(today())

    def get_renewals_left(self, loan) -> int:
        return renewals_left(loan) if loan.renewal_days else 0

    def get_public_url(self, loan) -> str | None:
        """The loan card's link: a secret, shown only to roles that may reveal one (staff, admins), and only
        where the view logs it (`card_link` in the context: the loan read alone, a checkout, a new token);
        else null, lists included."""
        request = self.context.get("request")
        if not self.context.get("card_link") or loan.token_revoked_at or request is None:
            return None
        if not may_reveal(request.user, loan.organization_id):
            return None
        return f"{settings.SITE_URL}/l/{loan.public_token}"


# LoanSerializer / LoanItemSerializer field -> `.values()` key, for the fields whose key is not their name.
LOAN_LIST_KEYS = {
    "organization": "organization_id",
    "participant": "participant_id",
    "policy": "policy_id",
    "cohort": "cohort_id",
    "checked_out_by": "checked_out_by_id",
    "checked_in_by": "checked_in_by_id",
}
LOAN_ITEM_LIST_KEYS = {
    "asset_tag": "device__asset_tag",
    "kind": "device__kind",
    "make": "device__make",
    "model": "device__model",
    "serial": "device__serial",
}
# Filled in per row by LoanListRows' filler: the SerializerMethodFields, and from
# selectors.loan_page_details the names and the nested items.
LOAN_LIST_COMPUTED = ("participant_name", "policy_name", "items", "is_overdue", "renewals_left", "public_url")


class LoanListRows(ListRows):
    """The loan list (core.api.fastlist): LoanSerializer's representation built from the rows of
    selectors.loan_page, one query a page (pinned equal by tests/loans/test_list_rows.py)."""

    serializer_class = LoanSerializer
    keys = LOAN_LIST_KEYS
    computed = LOAN_LIST_COMPUTED
    read = ("renewal_days", "max_renewals", "renewals_count")
    tally = staticmethod(selectors.loan_list_tally)

    def __init__(self):
        super().__init__()
        self.item_fields = self.fields_of(LoanItemSerializer(), LOAN_ITEM_LIST_KEYS)

    def page(self, queryset, window: slice) -> tuple[list[dict], dict[int, dict]]:
        return selectors.loan_page(queryset, self.columns, window)

    def filler(self, details: dict[int, dict], *, user):
        make_item, on = row_maker(converters(self.item_fields)), today()

        def fill(loan: dict, row: dict) -> None:
            extra = details[row["id"]]
            loan["participant_name"] = extra["participant_name"]
            loan["policy_name"] = extra["policy_name"]
            loan["items"] = [make_item(item) for item in extra["items"]]
            loan["is_overdue"] = (
                row["status"] == "active" and row["due_on"] + datetime.timedelta(row["grace_days"]) < on
            )
            loan["renewals_left"] = max(row["max_renewals"] - row["renewals_count"], 0) if row["renewal_days"] else 0
            loan["public_url"] = None  # a list never shows a card link: read the loan alone (logged)

        return fill


class LoanCheckoutSerializer(TenantSerializerMixin, serializers.Serializer):
    participant = ScopedRelatedField(model=Participant)
    policy = ScopedRelatedField(model=LoanPolicy)
    cohort = ScopedRelatedField(model=Cohort, required=False, allow_null=True)
    devices = ScopedRelatedField(model=Device, many=True, help_text=_("Device ids: one, or several for a kit."))
    accessories = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    agreement_signed = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=450_000,
        help_text=_("Signed on the tablet: a data:image/png;base64 URL; counts as the signed agreement."),
    )
    paid_now = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Fee and deposit paid at checkout, in cash or by transfer; null: not paid yet."),
    )
    fee_paid = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("With paid_now; null: the fee the policy's terms come to."),
    )
    deposit_paid = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("With paid_now; null: the policy's deposit."),
    )

    class Meta:
        model = Loan  # lets the schema generator type the organisation field; nothing is saved through this

    def validate_devices(self, value):
        if not value:
            raise serializers.ValidationError(_("Choose at least one device."))
        return value

    def validate_due_on(self, value):
        if value is not None and value < today():
            raise serializers.ValidationError(_("The due date is in the past."))
        return value


class LoanReturnSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=ReturnCondition.choices, default=ReturnCondition.GOOD)
    devices = ScopedRelatedField(
        model=Device, many=True, required=False, help_text=_("Only these items of a kit; all when left out.")
    )
    accessories_returned = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    refund_deposit = serializers.BooleanField(default=False, help_text=_("Give back the deposit with the return."))
    refund_amount = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Null: the whole deposit held."),
    )


class SignatureSerializer(serializers.Serializer):
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=450_000,
        help_text=_("Signed on the tablet: a data:image/png;base64 URL. Empty: signed on paper."),
    )


class RefundSerializer(serializers.Serializer):
    refund_amount = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, default=None, help_text=_("Null: all of it.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")


class LoanMoneySerializer(serializers.Serializer):
    """What a loan's money comes to (loans.services.loan_money)."""

    fee_due = serializers.DecimalField(max_digits=10, decimal_places=2)
    fee_paid = serializers.DecimalField(max_digits=10, decimal_places=2)
    deposit_due = serializers.DecimalField(max_digits=10, decimal_places=2)
    deposit_paid = serializers.DecimalField(max_digits=10, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid = serializers.DecimalField(max_digits=10, decimal_places=2)
    owed = serializers.DecimalField(max_digits=10, decimal_places=2)
    refundable = serializers.DecimalField(max_digits=10, decimal_places=2)


class PolicyTermsSerializer(serializers.Serializer):
    """A policy's terms if lent today (loans.services.policy_terms): the due date moved to an opening day."""

    days = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    renewals = serializers.IntegerField()
    renewal_days = serializers.IntegerField(allow_null=True)
    fee_amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    fee_period = serializers.CharField()
    fee_due = serializers.DecimalField(max_digits=10, decimal_places=2)
    deposit = serializers.DecimalField(max_digits=8, decimal_places=2)


class LoanLostSerializer(serializers.Serializer):
    stolen = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class LoanNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class WaitlistEntrySerializer(TenantSerializerMixin, serializers.ModelSerializer):
    participant = ScopedRelatedField(model=Participant)
    participant_name = serializers.CharField(source="participant.display_name", read_only=True)
    offered_device_tag = RelatedCharField(source="offered_device.asset_tag")

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "organization",
            "participant",
            "participant_name",
            "device_kind",
            "status",
            "offer_days",
            "offered_device",
            "offered_device_tag",
            "offered_at",
            "offer_expires_on",
            "loan",
            "note",
            "created_at",
            "closed_at",
        ]
        read_only_fields = [
            "status",
            "offered_device",
            "offered_at",
            "offer_expires_on",
            "loan",
            "created_at",
            "closed_at",
        ]
        validators = []
        extra_kwargs = {"offer_days": {"min_value": 1, "max_value": 60}}


class PaymentSerializer(serializers.ModelSerializer):
    loan = ScopedRelatedField(model=Loan)
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    received_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    refunded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "organization",
            "loan",
            "kind",
            "amount",
            "method",
            "received_on",
            "received_by",
            "refunded_at",
            "refunded_amount",
            "refunded_by",
            "note",
            "created_at",
        ]
        read_only_fields = [
            "organization",
            "received_by",
            "refunded_at",
            "refunded_amount",
            "refunded_by",
            "created_at",
        ]
        extra_kwargs = {"received_on": {"required": False}}


class PublicLoanSerializer(serializers.Serializer):
    """Documents the public loan card payload (built by selectors.loan_public_payload)."""

    language = serializers.CharField()
    first_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    started_on = serializers.DateField()
    due_on = serializers.DateField()
    is_overdue = serializers.BooleanField()
    renewals_left = serializers.IntegerField()
    items = serializers.ListField(child=serializers.DictField())
    organization = serializers.DictField()
