from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from backend.api.fields import RelatedCharField

from ..models import Funder, Grant, Membership, Organization, Participant, StaffTask
from ..permissions import Action
from .fields import TenantSerializerMixin


class OrganizationSerializer(serializers.ModelSerializer):
    phone = PhoneNumberField(required=False, allow_blank=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_code",
            "address",
            "phone",
            "email",
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


class MembershipSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    organization_action = Action.MANAGE
    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())

    class Meta:
        model = Membership
        fields = ["id", "user", "organization", "role", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # duplicates are checked in validate() with a message naming the user field

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["user"].read_only = True
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (
            self.instance is None
            and Membership.objects.filter(user=attrs["user"], organization=attrs["organization"]).exists()
        ):
            raise serializers.ValidationError({"user": [_("This person is already a member of the organisation.")]})
        return attrs


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
        fields = [
            "id",
            "organization",
            "display_name",
            "phone",
            "preferred_language",
            "sms_consent",
            "reference",
            "note",
            "age_band",
            "gender",
            "is_active",
            "created_at",
            "updated_at",
        ]
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
