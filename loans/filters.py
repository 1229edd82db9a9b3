import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import FilterSet, StrictBooleanFilter
from inventory.choices import DeviceKind

from .models import Loan, Payment, WaitlistEntry
from .services import today


class LoanFilter(FilterSet):
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("Overdue (open, due date and grace days passed before today in Europe/Brussels)"),
    )
    open = StrictBooleanFilter(method="filter_open", label=_("Open"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt", label=_("Due before"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    device = django_filters.NumberFilter(field_name="items__device", label=_("Device id"), distinct=True)

    class Meta:
        model = Loan
        fields = ["organization", "status", "participant", "policy", "cohort"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            # Ordered by the last day of grace so PostgreSQL walks the partial index loan_open_overdue_id in order.
            return queryset.overdue(on=today()).order_by("overdue_after", "id")
        return queryset.exclude(pk__in=Loan.objects.overdue(on=today()).values("pk"))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.exclude(status="active")


class WaitlistFilter(FilterSet):
    device_kind = django_filters.ChoiceFilter(choices=DeviceKind.choices)

    class Meta:
        model = WaitlistEntry
        fields = ["organization", "status", "participant", "device_kind"]


class PaymentFilter(FilterSet):
    refunded = StrictBooleanFilter(field_name="refunded_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Payment
        fields = ["organization", "loan", "kind", "method"]
