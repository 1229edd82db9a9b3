import django_filters

from core.api.filters import FilterSet

from .models import CodeBatch, CodeRevealLog, Digicheque, DigichequeBatch, EligibilityCode, Pack


class PackFilter(FilterSet):
    class Meta:
        model = Pack
        fields = ["programme", "connection_type", "modem_included"]


class CodeBatchFilter(FilterSet):
    class Meta:
        model = CodeBatch
        fields = ["organization", "programme", "grant"]


class EligibilityCodeFilter(FilterSet):
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt")
    recheck_before = django_filters.DateFilter(field_name="recheck_on", lookup_expr="lte")

    class Meta:
        model = EligibilityCode
        fields = ["organization", "programme", "pack", "batch", "status", "participant", "eligibility_basis"]


class CodeRevealLogFilter(FilterSet):
    class Meta:
        model = CodeRevealLog
        fields = ["organization", "code", "by", "purpose"]


class DigichequeBatchFilter(FilterSet):
    class Meta:
        model = DigichequeBatch
        fields = ["organization", "grant", "supplier"]


class DigichequeFilter(FilterSet):
    class Meta:
        model = Digicheque
        fields = ["organization", "batch", "status", "use", "participant"]
