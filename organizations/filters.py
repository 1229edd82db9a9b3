import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import FilterSet, StrictBooleanFilter

from .models import Grant, Membership, Participant, StaffTask


class ParticipantFilter(FilterSet):
    class Meta:
        model = Participant
        fields = ["organization", "preferred_language", "sms_consent", "is_active", "age_band", "gender"]


class MembershipFilter(FilterSet):
    class Meta:
        model = Membership
        fields = ["organization", "role", "user"]


class GrantFilter(FilterSet):
    active_on = django_filters.DateFilter(method="filter_active_on", label="Active on (date)")

    class Meta:
        model = Grant
        fields = ["organization", "funder"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class StaffTaskFilter(FilterSet):
    is_open = StrictBooleanFilter(field_name="done_at", lookup_expr="isnull", label=_("Open (not done)"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = StaffTask
        fields = ["organization", "kind", "participant"]
