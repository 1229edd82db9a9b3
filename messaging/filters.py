import django_filters

from core.api.filters import FilterSet

from .models import OutboundMessage


class OutboundMessageFilter(FilterSet):
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    loan = django_filters.NumberFilter(method="filter_loan", label="Loan id")

    class Meta:
        model = OutboundMessage
        fields = ["organization", "participant", "status", "template", "language", "blocked_reason", "backend"]

    def filter_loan(self, queryset, name, value):
        from django.contrib.contenttypes.models import ContentType

        from loans.models import Loan

        return queryset.filter(content_type=ContentType.objects.get_for_model(Loan), object_id=value)
