from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from organizations.admin_base import TenantAdmin

from . import services, texts
from .models import OutboundMessage, SendingHours, SmsOptOut, SmsWording
from .secrets import masked_body
from .services.wordings import MAX_SEGMENTS, PLACEHOLDERS, wording_preview


@admin.register(OutboundMessage)
class OutboundMessageAdmin(TenantAdmin):
    list_display = [
        "created_at",
        "organization",
        "participant",
        "to",
        "template",
        "language",
        "status",
        "blocked_reason",
        "segments",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "blocked_reason", "template", "language", "encoding", "backend", "organization"]
    search_fields = ["to", "participant__display_name", "idempotency_key", "provider_id"]  # bodies carry secrets
    date_hierarchy = "created_at"
    list_select_related = ["organization", "participant"]
    actions = ["resend_selected"]
    exclude = ["body"]
    readonly_fields = [
        "masked_body",
        *(field.name for field in OutboundMessage._meta.fields if field.name not in ("id", "body")),
    ]

    @admin.display(description=_("text"))
    def masked_body(self, obj):
        return masked_body(obj)  # a code or card link it carried is masked (messaging.secrets)

    def has_add_permission(self, request):
        return False  # messages are created by the application, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # the log is the proof of what was (not) sent

    @admin.action(description=_("Send the selected failed messages again"))
    def resend_selected(self, request, queryset):
        done = 0
        for message in queryset:
            try:
                services.message_resend(message=message, by=request.user, reason=str(_("Resent from the back office")))
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{message}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("%(count)d message(s) queued again.") % {"count": done}, messages.SUCCESS)


@admin.register(SmsOptOut)
class SmsOptOutAdmin(TenantAdmin):
    list_display = ["received_at", "organization", "participant", "phone", "channel", "keyword"]
    list_filter = ["channel", "organization"]
    search_fields = ["participant__display_name", "phone"]
    list_select_related = ["organization", "participant"]
    autocomplete_fields = ["participant"]
    exclude = ["reply_text"]  # the person's own words: API only, for the organisation's staff and admins


@admin.register(SendingHours)
class SendingHoursAdmin(TenantAdmin):
    list_display = ["organization", "starts_at", "ends_at"]


class SmsWordingForm(forms.ModelForm):
    """The same checks as the desk and the API: a known message and language, known placeholders only, the
    organisation's name first, at most three SMS."""

    class Meta:
        model = SmsWording
        fields = ["organization", "key", "language", "body"]
        widgets = {
            "key": forms.Select(choices=[(key, key) for key in PLACEHOLDERS]),
            "language": forms.Select(choices=[(code, code) for code in texts.SUPPORTED_LANGUAGES]),
        }

    def clean(self):
        cleaned = super().clean()
        organization, key, language, body = (cleaned.get(n) for n in ("organization", "key", "language", "body"))
        if organization and key and language and body:
            try:
                preview = wording_preview(organization, key, language, body)
            except DomainError as error:
                for field, errors in (error.fields or {"body": [error.message]}).items():
                    for message in errors:
                        self.add_error(field if field in self.fields else "body", message)
                return cleaned
            if preview.segments > MAX_SEGMENTS:
                self.add_error("body", _("At most three SMS."))
        return cleaned


@admin.register(SmsWording)
class SmsWordingAdmin(TenantAdmin):
    """The back office's view of the organisations' own SMS wordings; daily editing is at /desk/messages/."""

    form = SmsWordingForm
    list_display = ["organization", "key", "language", "updated_at", "updated_by"]
    list_filter = ["key", "language", "organization"]
    search_fields = ["body"]
    list_select_related = ["organization", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
