from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from core.api.fields import RelatedCharField
from core.errors import DomainError

from .. import calendar
from ..calendar import opening_hours_text
from ..models import Closure, Funder, Grant, Invitation, Membership, OpeningHours, Organization, Participant, StaffTask
from ..permissions import Action
from ..services import PARTICIPANT_FIELDS
from .fields import TenantSerializerMixin


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class OrganizationSerializer(serializers.ModelSerializer):
    """`hours` replaces the whole week when given; `opening_hours` is the week in words (read-only)."""

    phone = PhoneNumberField(required=False, allow_blank=True)
    hours = OpeningHoursSerializer(many=True, required=False)
    opening_hours = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_code",
            "address",
            "address_nl",
            "address_fr",
            "address_en",
            "address_ar",
            "phone",
            "email",
            "hours",
            "hours_note",
            "hours_note_nl",
            "hours_note_fr",
            "hours_note_en",
            "hours_note_ar",
            "opening_hours",
            "languages",
            "sms_sender_name",
            "time_zone",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_time_zone(self, value):
        import zoneinfo

        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(_("Unknown time zone."))
        return value

    def get_opening_hours(self, organization) -> str:
        return opening_hours_text(organization)

    def validate_hours(self, periods):
        try:
            calendar.opening_hours_validate(periods)
        except DomainError as error:
            raise serializers.ValidationError(error.fields["hours"]) from error
        return periods

    def update(self, instance, validated_data):
        periods = validated_data.pop("hours", None)
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if periods is not None:
                calendar.opening_hours_set(organization=instance, periods=periods)
        return instance

    def create(self, validated_data):
        periods = validated_data.pop("hours", None)
        with transaction.atomic():
            instance = super().create(validated_data)
            if periods:
                calendar.opening_hours_set(organization=instance, periods=periods)
            today = timezone.localdate()
            calendar.public_holidays_fill(organization=instance, years=[today.year, today.year + 1])
        return instance


class ClosureSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    organization_action = Action.VIEW  # a member's own organisation; the view then wants an administrator (403)

    class Meta:
        model = Closure
        fields = ["id", "organization", "starts_on", "ends_on", "kind", "reason"]
        read_only_fields = ["kind"]
        # The one unique constraint holds for pre-filled holidays only, which the API never writes.
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        try:
            calendar.closure_validate(starts_on=starts_on, ends_on=ends_on)
        except DomainError as error:
            raise serializers.ValidationError(error.fields) from error
        return attrs


class PublicHolidaysSerializer(TenantSerializerMixin, serializers.Serializer):
    organization_action = Action.VIEW
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class MembershipSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    """Read a membership and change its role. Nobody is added here: people join through an invitation
    they accept (`InvitationSerializer`), so no username is ever looked up on the caller's behalf."""

    organization_action = Action.MANAGE
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "organization", "role", "created_at"]
        read_only_fields = ["user", "created_at"]


class InvitationSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    """An invitation as its organisation's administrators see it; the link's token is never shown."""

    organization_action = Action.VIEW  # a member's own organisation; the view then wants an administrator (403)
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership._meta.get_field("role").choices)
    invited_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    accepted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_by",
            "revoked_at",
        ]
        read_only_fields = ["created_at", "expires_at", "accepted_at", "revoked_at"]

    def get_status(self, obj) -> str:
        from django.utils import timezone

        if obj.accepted_at is not None:
            return "accepted"
        if obj.revoked_at is not None:
            return "revoked"
        if obj.expires_at <= timezone.now():
            return "expired"
        return "pending"


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class InvitationAcceptedSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    role = serializers.CharField()
    membership = serializers.IntegerField()


class FunderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funder
        fields = ["id", "name", "kind", "contact_email", "created_at"]
        read_only_fields = ["created_at"]


class GrantSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Grant
        fields = [
            "id",
            "organization",
            "funder",
            "name",
            "reference",
            "amount",
            "starts_on",
            "ends_on",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []  # the unique name is checked in validate() with a field-named message

    def validate(self, attrs):
        attrs = super().validate(attrs)
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": [_("The end date is before the start date.")]})
        organization = attrs.get("organization", getattr(self.instance, "organization", None))
        funder = attrs.get("funder", getattr(self.instance, "funder", None))
        name = attrs.get("name", getattr(self.instance, "name", None))
        clash = Grant.objects.filter(organization=organization, funder=funder, name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": [_("This funder already has a grant with this name here.")]})
        return attrs


class ParticipantSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    phone = PhoneNumberField(
        required=False, allow_blank=True, help_text=_("Belgian numbers may be typed as 0470 12 34 56.")
    )

    class Meta:
        model = Participant
        fields = ["id", "organization", *PARTICIPANT_FIELDS, "created_at", "updated_at"]  # what the service writes
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"note": {"max_length": 2000}}

    def validate_display_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("A name is needed."))
        return value.strip()


class StaffTaskSerializer(serializers.ModelSerializer):
    participant_name = RelatedCharField(source="participant.display_name")
    related_type = serializers.SerializerMethodField()
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = StaffTask
        fields = [
            "id",
            "organization",
            "kind",
            "title",
            "participant",
            "participant_name",
            "related_type",
            "object_id",
            "due_on",
            "done_at",
            "done_by",
            "outcome",
            "created_at",
        ]
        read_only_fields = fields

    def get_related_type(self, obj) -> str | None:
        return obj.content_type.model if obj.content_type_id else None


class StaffTaskCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
