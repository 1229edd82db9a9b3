"""Back-office screens. Codes are shown masked; reveal them through the API, which logs it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from organizations.admin_base import LedgerAdminMixin, ReadOnlyAdminMixin, ScopedChoicesMixin, ScopedInline, TenantAdmin

from .models import (
    ChequeRevealLog,
    CodeBatch,
    CodeRevealLog,
    ConnectivityProgramme,
    Digicheque,
    DigichequeBatch,
    EligibilityCode,
    Pack,
)


class PackInline(ScopedInline):
    model = Pack
    extra = 0


@admin.register(ConnectivityProgramme)
class ConnectivityProgrammeAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["name", "provider", "one_per_household", "recheck_interval_months", "is_active"]
    list_filter = ["provider", "one_per_household", "is_active"]
    search_fields = ["name", "provider"]
    inlines = [PackInline]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(CodeBatch)
class CodeBatchAdmin(LedgerAdminMixin, TenantAdmin):
    list_display = ["__str__", "organization", "programme", "grant", "imported_at"]
    list_filter = ["programme", "organization"]
    search_fields = ["reference"]
    readonly_fields = ["imported_at", "imported_by"]
    list_select_related = ["programme", "organization", "grant"]

    def has_add_permission(self, request):
        return False  # batches come from the CSV import (API), all-or-nothing


@admin.register(EligibilityCode)
class EligibilityCodeAdmin(LedgerAdminMixin, TenantAdmin):
    list_display = ["masked_code", "programme", "pack", "status", "participant", "expires_on", "recheck_on"]
    list_filter = ["status", "programme", "pack", "eligibility_basis", "organization"]
    search_fields = ["participant__display_name", "household_ref"]
    list_select_related = ["programme", "pack", "participant"]
    exclude = ["code"]
    readonly_fields = [
        "masked_code",
        "organization",
        "batch",
        "programme",
        "pack",
        "status",
        "status_changed_at",
        "participant",
        "eligibility_basis",
        "household_ref",
        "assigned_at",
        "assigned_by",
        "activated_on",
        "revoked_reason",
        "modem",
        "modem_handover",
        "expires_on",
    ]

    @admin.display(description=_("code"))
    def masked_code(self, obj):
        return obj.masked_code

    def has_add_permission(self, request):
        return False


@admin.register(ChequeRevealLog)
class ChequeRevealLogAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ["at", "cheque", "by", "reason", "organization"]
    list_filter = ["organization"]
    list_select_related = ["cheque", "by", "organization"]
    date_hierarchy = "at"


@admin.register(CodeRevealLog)
class CodeRevealLogAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ["at", "code", "by", "purpose", "reason", "organization"]
    list_filter = ["purpose", "organization"]
    list_select_related = ["code__pack__programme", "by", "organization"]
    date_hierarchy = "at"


class MaskedSerialMixin:
    """A digicheque's serial, masked: in clear only through the API's reveal, which is logged."""

    @admin.display(description=_("serial number"), ordering="serial")
    def serial_masked(self, cheque):
        return cheque.masked_serial


class DigichequeInline(MaskedSerialMixin, ScopedInline):
    model = Digicheque
    extra = 0
    fields = ["serial_masked", "status", "use", "participant", "price_charged", "redeemed_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DigichequeBatch)
class DigichequeBatchAdmin(LedgerAdminMixin, TenantAdmin):
    list_display = ["supplier", "organization", "purchased_on", "quantity", "unit_value", "purchase_price", "grant"]
    list_filter = ["organization", "supplier"]
    search_fields = ["supplier"]
    readonly_fields = ["quantity", "created_by"]
    inlines = [DigichequeInline]
    list_select_related = ["organization", "grant"]

    def has_add_permission(self, request):
        return False  # created through the API with serial numbers


@admin.register(Digicheque)
class DigichequeAdmin(MaskedSerialMixin, LedgerAdminMixin, TenantAdmin):
    list_display = ["serial_masked", "batch", "status", "use", "participant", "price_charged", "redeemed_on"]
    list_filter = ["status", "use", "organization"]
    search_fields = ["serial", "participant__display_name", "repair_reference"]
    list_select_related = ["batch", "participant"]
    exclude = ["serial"]
    readonly_fields = [
        "organization",
        "batch",
        "serial_masked",
        "status",
        "status_changed_at",
        "use",
        "participant",
        "device",
        "repair_reference",
        "price_charged",
        "issued_at",
        "issued_by",
        "redeemed_on",
        "redeemed_purpose",
        "void_reason",
    ]

    def has_add_permission(self, request):
        return False
