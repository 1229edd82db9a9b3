from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.api.fields import OrganizationField, TenantSerializerMixin
from organizations.choices import Role
from organizations.permissions import Action
from organizations.selectors import user_roles

from .. import texts
from ..choices import BlockedReason
from ..encoding import sms_size
from ..models import OutboundMessage, SmsOptOut, SmsWording
from ..secrets import masked_bodies, masked_body
from ..services.wordings import PLACEHOLDERS

READS_REPLY_TEXT = frozenset({Role.ADMIN, Role.STAFF})


class MaskedBodyListSerializer(serializers.ListSerializer):
    """A page of messages: their bodies masked together (one query for the codes of the page)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["masked_bodies"] = masked_bodies(items)
        return super().to_representation(items)


class OutboundMessageSerializer(serializers.ModelSerializer):
    related_type = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(
        help_text=_("The text sent, with an internet code or a loan-card link it carried masked (•••).")
    )
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
        list_serializer_class = MaskedBodyListSerializer

    def get_body(self, obj) -> str:
        page = self.context.get("masked_bodies")
        return page[obj.pk] if page and obj.pk in page else masked_body(obj)

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
    """`keyword` is the fixed word (STOP, ARRET...); `reply_text`, the person's own words, only for the
    organisation's staff and admins (null for a volunteer)."""

    reply_text = serializers.SerializerMethodField()

    class Meta:
        model = SmsOptOut
        fields = [
            "id",
            "organization",
            "participant",
            "phone",
            "channel",
            "keyword",
            "reply_text",
            "backend",
            "received_at",
        ]
        read_only_fields = fields

    def get_reply_text(self, obj) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.is_superuser or user_roles(user).get(obj.organization_id) in READS_REPLY_TEXT:
            return obj.reply_text
        return None


class SmsWordingSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    """An organisation's own wording of one SMS in one language. Saving one that exists replaces its text;
    deleting it goes back to the default (the history keeps every text)."""

    organization_action = Action.MANAGE
    key = serializers.ChoiceField(choices=sorted(PLACEHOLDERS))
    language = serializers.ChoiceField(choices=texts.SUPPORTED_LANGUAGES)
    body = serializers.CharField(max_length=640)
    confirm_segments = serializers.BooleanField(
        write_only=True, default=False, help_text=_("Needed when the text takes more than one SMS.")
    )
    segments = serializers.SerializerMethodField()
    encoding = serializers.SerializerMethodField()
    updated_by = serializers.StringRelatedField()

    class Meta:
        model = SmsWording
        fields = [
            "id",
            "organization",
            "key",
            "language",
            "body",
            "confirm_segments",
            "segments",
            "encoding",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = ["updated_at"]
        validators: list = []  # saving a wording that exists replaces it (wording_save), not a conflict

    def get_segments(self, wording) -> int:
        return sms_size(wording.body).segments

    def get_encoding(self, wording) -> str:
        return sms_size(wording.body).encoding

    def validate(self, attrs):
        attrs = super().validate(attrs)  # TenantSerializerMixin: the organisation, fixed once saved
        if self.instance is not None:
            for name in ("key", "language"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("Fixed once saved: save a new wording instead.")]})
        return attrs


class WordingPreviewSerializer(serializers.Serializer):
    organization = OrganizationField(action=Action.VIEW, required=False)
    key = serializers.ChoiceField(choices=sorted(PLACEHOLDERS))
    language = serializers.ChoiceField(choices=texts.SUPPORTED_LANGUAGES)
    body = serializers.CharField(max_length=640)


class WordingPreviewResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    encoding = serializers.CharField()
    length = serializers.IntegerField()
    segments = serializers.IntegerField()


class WordingDefaultSerializer(serializers.Serializer):
    key = serializers.CharField()
    language = serializers.CharField()
    body = serializers.CharField()
    placeholders = serializers.ListField(child=serializers.CharField())
