from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import DomainError

from .. import selectors
from ..choices import ReportFormat, ReportLanguage, ReportPeriod
from ..models import ATTACHMENT_FORMATS, ReportSubscription
from ..periods import resolve_period


class ReportQuerySerializer(serializers.Serializer):
    """The query string of a report: the period (default: last calendar month) and options.

    `period` is month, quarter or year (with `year` and `number`, the month or quarter; without them the
    last one over), grant (the grant's whole period, for a grant's report) or custom (`period_start` and
    `period_end`; the default when they are given). `period_for()` gives the first and last day."""

    period = serializers.ChoiceField(choices=ReportPeriod.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    number = serializers.IntegerField(
        required=False, min_value=1, max_value=12, help_text=_("The month (1-12) or the quarter (1-4).")
    )
    period_start = serializers.DateField(required=False, help_text=_("First day, e.g. 2026-01-01."))
    period_end = serializers.DateField(required=False, help_text=_("Last day, included."))
    lang = serializers.ChoiceField(choices=ReportLanguage.choices, required=False)
    suppress = serializers.BooleanField(
        required=False, default=False, help_text=_("Ask for the funder-facing version (numbers 1-4 as <5).")
    )

    def validate(self, attrs):
        if attrs.get("period") != ReportPeriod.GRANT:
            self._resolve(attrs, grant=None)  # every other period is checked before the scope is looked up
        return attrs

    def _resolve(self, attrs, *, grant):
        try:
            return resolve_period(
                today=timezone.localdate(),
                period=attrs.get("period"),
                year=attrs.get("year"),
                number=attrs.get("number"),
                start=attrs.get("period_start"),
                end=attrs.get("period_end"),
                grant=grant,
            )
        except DomainError as error:
            raise serializers.ValidationError(error.fields) from error

    def period_for(self, grant=None) -> tuple:
        """(first day, last day) of the valid query; `grant` is the report's grant, if it is a grant's."""
        return self._resolve(self.validated_data, grant=grant)


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
            "frequency",
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
