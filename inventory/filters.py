import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import FilterSet, StrictBooleanFilter

from .choices import ConditionGrade, DeviceKind, DeviceStatus
from .models import Device, Donor, RepairTicket, WipeRecord


class DeviceFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DeviceStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=DeviceKind.choices, distinct=False)
    condition = django_filters.MultipleChoiceFilter(choices=ConditionGrade.choices, distinct=False)
    location = django_filters.CharFilter(field_name="location")

    class Meta:
        model = Device
        fields = ["organization", "status", "kind", "source", "grant", "donor", "location", "condition"]


class DonorFilter(FilterSet):
    class Meta:
        model = Donor
        fields = ["organization", "kind"]


class WipeRecordFilter(FilterSet):
    class Meta:
        model = WipeRecord
        fields = ["device", "method"]


class RepairTicketFilter(FilterSet):
    open = StrictBooleanFilter(field_name="returned_on", lookup_expr="isnull", label=_("Still at the partner"))

    class Meta:
        model = RepairTicket
        fields = ["device", "outcome", "partner"]
