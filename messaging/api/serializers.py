from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import BlockedReason
from ..models import OutboundMessage, SmsOptOut


class OutboundMessageSerializer(serializers.ModelSerializer):
    related_type = serializers.SerializerMethodField()
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    blocked_reason = serializers.ChoiceField(choices=BlockedReason.choices, allow_blank=True, read_only=True)
    blocked_reason_display = serializers.CharField(source="get_blocked_reason_display", read_only=True)

    class Meta:
        model = OutboundMessage
        fields = [
            "id",
            "organization",
            "participant",
            "to",
            "language",
            "template",
            "body",
            "encoding",
            "segments",
            "related_type",
            "object_id",
            "scheduled_for",
            "status",
            "blocked_reason",
            "blocked_reason_display",
            "backend",
            "provider_id",
            "attempts",
            "last_error",
            "idempotency_key",
            "claimed_at",
            "sent_at",
            "delivered_at",
            "resend_of",
            "requested_by",
            "request_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_related_type(self, obj) -> str | None:
        return obj.content_type.model if obj.content_type_id else None


class ResendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, help_text=_("Why it is sent again, e.g. 'new phone number, checked by phone'.")
    )

    def validate_reason(self, value):
        if "\x00" in value or not value.strip():
            raise serializers.ValidationError(_("Say why the SMS is sent again."))
        return value.strip()


class MonthlyCountSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization__name")
    month = serializers.DateTimeField()
    messages = serializers.IntegerField()
    segments = serializers.IntegerField()


class SmsOptOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = SmsOptOut
        fields = ["id", "organization", "participant", "phone", "channel", "keyword", "backend", "received_at"]
        read_only_fields = fields
