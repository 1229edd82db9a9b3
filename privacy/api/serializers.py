from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import ConsentChannel
from ..models import Anonymisation, ConsentRecord, PrivacyLogEntry, RetentionRule


class ConsentRecordSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default=None)

    class Meta:
        model = ConsentRecord
        fields = ["id", "participant", "given", "channel", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "participant", "recorded_by", "recorded_at"]


class ConsentInputSerializer(serializers.Serializer):
    given = serializers.BooleanField(help_text=_("true: consent given; false: consent withdrawn."))
    # STOP replies and staff entries are recorded by the system, never typed in as a channel
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in (ConsentChannel.IN_PERSON, ConsentChannel.PHONE, ConsentChannel.PAPER)]
    )


class AnonymisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Anonymisation
        fields = ["participant", "rule", "retention_months", "at"]


class RetentionRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionRule
        fields = ["months"]
        extra_kwargs = {"months": {"required": True}}


class PrivacyLogEntrySerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)
    participant = serializers.IntegerField(source="participant_id_ref", read_only=True)

    class Meta:
        model = PrivacyLogEntry
        fields = ["id", "organization", "participant", "action", "by", "at", "detail"]
