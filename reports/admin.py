"""Back office for report e-mails: platform administrators see subscriptions and what was sent when."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organizations.admin_base import ScopedChoicesMixin, ScopedInline

from .models import ReportDelivery, ReportSubscription


class ReportDeliveryInline(ScopedInline):
    model = ReportDelivery
    extra = 0
    can_delete = False
    fields = ["period_start", "period_end", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["email", "user", "funder", "grant", "organization", "language", "attachment_format", "is_active"]
    list_filter = ["is_active", "language", "attachment_format"]
    search_fields = ["email", "user__username", "funder__name", "grant__name", "organization__name"]
    list_select_related = ["user", "funder", "grant", "organization"]
    raw_id_fields = ["user"]
    inlines = [ReportDeliveryInline]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["subscription", "period_start", "status", "attempts", "sent_at"]
    list_filter = ["status", "period_start"]
    list_select_related = ["subscription"]
    readonly_fields = [
        "subscription",
        "period_start",
        "period_end",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
