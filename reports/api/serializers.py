from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import selectors
from ..choices import ReportFormat, ReportLanguage
from ..models import ATTACHMENT_FORMATS, ReportSubscription

MAX_PERIOD_DAYS = 5 * 366  # five years, leap days included


class ReportQuerySerializer(serializers.Serializer):
    """The query string of a report: the period (default: last calendar month) and options."""

    period_start = serializers.DateField(required=False, help_text=_("First day, e.g. 2026-01-01."))
    period_end = serializers.DateField(required=False, help_text=_("Last day, included."))
    lang = serializers.ChoiceField(choices=ReportLanguage.choices, required=False)
    suppress = serializers.BooleanField(
        required=False, default=False, help_text=_("Ask for the funder-facing version (numbers 1-4 as <5).")
    )

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": [_("Must be on or after period_start.")]})
        if start and end and (end - start).days > MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"period_end": [_("A report covers at most 5 years.")]})
        if bool(start) != bool(end):
            missing = "period_end" if start else "period_start"
            raise serializers.ValidationError({missing: [_("Give both period_start and period_end, or neither.")]})
        return attrs


class _ScopedField(serializers.PrimaryKeyRelatedField):
    """Only rows the caller may report on exist: others are "does not exist" (400 naming the field)."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(self.context["request"].user)


class ReportSubscriptionSerializer(serializers.ModelSerializer):
    funder = _ScopedField(selectors.report_funders_for_user, required=False, allow_null=True)
    grant = _ScopedField(selectors.report_grants_for_user, required=False, allow_null=True)
    organization = _ScopedField(selectors.report_organizations_for_user, required=False, allow_null=True)
    email = serializers.EmailField(required=False)
    attachment_format = serializers.ChoiceField(choices=ATTACHMENT_FORMATS, default=ReportFormat.PDF)
    last_sent_period = serializers.SerializerMethodField()

    class Meta:
        model = ReportSubscription
        fields = [
            "id",
            "funder",
            "grant",
            "organization",
            "email",
            "language",
            "attachment_format",
            "is_active",
            "created_at",
            "last_sent_period",
        ]
        read_only_fields = ["created_at"]

    def get_last_sent_period(self, obj) -> str | None:
        value = getattr(obj, "last_sent_period", None)
        return value.isoformat() if value else None

    def validate(self, attrs):
        if self.instance is None:
            scopes = [name for name in ("funder", "grant", "organization") if attrs.get(name)]
            if len(scopes) != 1:
                message = _("Choose exactly one of funder, grant or organisation.")
                raise serializers.ValidationError({name: [message] for name in ("funder", "grant", "organization")})
            if not attrs.get("email"):
                email = self.context["request"].user.email
                if not email:
                    raise serializers.ValidationError({"email": [_("Your account has no e-mail address: give one.")]})
                attrs["email"] = email
        else:
            for name in ("funder", "grant", "organization"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("Make a new subscription to change what it covers.")]})
        return attrs
