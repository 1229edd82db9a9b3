from django.contrib import admin

from organizations.admin_base import LedgerAdminMixin, ReadOnlyAdminMixin, ScopedInline, TenantAdmin

from .models import CardRevealLog, Cohort, Loan, LoanItem, LoanPolicy, Payment, WaitlistEntry


@admin.register(LoanPolicy)
class LoanPolicyAdmin(TenantAdmin):
    list_display = ["name", "organization", "device_kind", "period_kind", "period_days", "max_renewals", "is_active"]
    list_filter = ["organization", "device_kind", "period_kind", "is_active"]
    search_fields = ["name"]


@admin.register(Cohort)
class CohortAdmin(TenantAdmin):
    list_display = ["name", "organization", "starts_on", "ends_on"]
    list_filter = ["organization"]
    search_fields = ["name"]


class LoanItemInline(ScopedInline):
    model = LoanItem
    extra = 0
    fields = ["device", "accessories", "closed_at", "return_condition", "accessories_returned"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # items are added by checkout, which claims the device


@admin.register(Loan)
class LoanAdmin(TenantAdmin):
    list_display = ["id", "participant", "organization", "status", "started_on", "due_on", "renewals_count"]
    list_filter = ["organization", "status", "policy"]
    search_fields = ["participant__display_name", "items__device__asset_tag"]
    date_hierarchy = "due_on"
    list_select_related = ["participant", "organization"]
    inlines = [LoanItemInline]
    exclude = ["public_token"]  # the loan card's secret: never shown in the back office
    readonly_fields = [
        "organization",
        "participant",
        "policy",
        "status",
        "started_on",
        "closed_at",
        "renewals_count",
        "checked_out_by",
        "checked_in_by",
    ]

    def has_add_permission(self, request):
        return False  # checkout goes through the API / staff desk so devices are claimed safely


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(TenantAdmin):
    list_display = ["participant", "organization", "device_kind", "status", "offered_device", "offer_expires_on"]
    list_filter = ["organization", "device_kind", "status"]
    search_fields = ["participant__display_name"]
    list_select_related = ["participant", "organization", "offered_device"]


@admin.register(Payment)
class PaymentAdmin(LedgerAdminMixin, TenantAdmin):
    list_display = ["loan", "organization", "kind", "amount", "method", "received_on", "refunded_at"]
    list_filter = ["organization", "kind", "method"]
    readonly_fields = ["received_by", "refunded_by", "refunded_at"]


@admin.register(CardRevealLog)
class CardRevealLogAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Read only: who saw or printed a loan card's link. The link itself is never shown here."""

    list_display = ["at", "loan", "by", "purpose", "where", "organization"]
    list_filter = ["purpose", "organization"]
    list_select_related = ["loan__participant", "by", "organization"]
    date_hierarchy = "at"
