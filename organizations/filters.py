import django_filters

from .models import Grant, Membership, Participant


class ParticipantFilter(django_filters.FilterSet):
    class Meta:
        model = Participant
        fields = ["organization", "preferred_language", "sms_consent", "is_active", "age_band", "gender"]


class MembershipFilter(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["organization", "role", "user"]


class GrantFilter(django_filters.FilterSet):
    active_on = django_filters.DateFilter(method="filter_active_on", label="Active on (date)")

    class Meta:
        model = Grant
        fields = ["organization", "funder"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)
