import django_filters

from backend.api.filters import StrictBooleanFilter

from .choices import ConditionGrade, DeviceKind, DeviceStatus
from .models import Device, Donor, RepairTicket, WipeRecord


class DeviceFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DeviceStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=DeviceKind.choices, distinct=False)
    condition = django_filters.MultipleChoiceFilter(choices=ConditionGrade.choices, distinct=False)
    location = django_filters.CharFilter(field_name="location")

    class Meta:
        model = Device
        fields = ["organization", "status", "kind", "source", "grant", "donor", "location", "condition"]


class DonorFilter(django_filters.FilterSet):
    class Meta:
        model = Donor
        fields = ["organization", "kind"]


class WipeRecordFilter(django_filters.FilterSet):
    class Meta:
        model = WipeRecord
        fields = ["device", "method"]


class RepairTicketFilter(django_filters.FilterSet):
    open = StrictBooleanFilter(field_name="returned_on", lookup_expr="isnull", label="Still at the partner")

    class Meta:
        model = RepairTicket
        fields = ["device", "outcome", "partner"]
