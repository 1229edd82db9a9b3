"""Working an overdue loan through the API: the calls about a loan, and the answer to a renewal asked on the card.

    GET  /api/v1/loans/{id}/calls/                   the calls about the loan, newest first
    POST /api/v1/loans/{id}/calls/                   record one (loans.services.loan_call_record)
    POST /api/v1/staff-tasks/{id}/approve-renewal/   renew and close the request (renewal_request_approve)
    POST /api/v1/staff-tasks/{id}/refuse-renewal/    close it and SMS the participant (renewal_request_refuse)

The same services as the desk's Today page; another organisation's loan or task is 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import TenantViewSetMixin
from organizations.api.serializers import StaffTaskSerializer
from organizations.selectors import staff_tasks_for_user

from .. import selectors, services
from ..choices import CallOutcome
from ..models import LoanCall
from .serializers import LoanSerializer


class LoanCallSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = LoanCall
        fields = ["id", "loan", "outcome", "note", "next_on", "by", "at"]
        read_only_fields = fields


class LoanCallCreateSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    note = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    next_on = serializers.DateField(required=False, allow_null=True, default=None)


class LoanCallViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    """Calls about one loan (a detail route of /loans/)."""

    serializer_class = LoanCallSerializer
    selector = selectors.loans_for_user
    pagination_class = None  # a loan's calls are few: the whole list, newest first
    filter_backends = []

    @extend_schema(
        methods=["get"], request=None, responses=LoanCallSerializer(many=True), operation_id="loans_calls_list"
    )
    @extend_schema(
        methods=["post"],
        request=LoanCallCreateSerializer,
        responses={201: LoanCallSerializer},
        operation_id="loans_calls_create",
    )
    @action(detail=True, methods=["get", "post"])
    def calls(self, request, pk=None):
        loan = self.get_object()
        if request.method == "GET":
            calls = LoanCall.objects.filter(loan=loan).select_related("by").order_by("-at", "-id")
            return Response(LoanCallSerializer(calls, many=True).data)
        serializer = LoanCallCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = services.loan_call_record(loan=loan, by=request.user, **serializer.validated_data)
        return Response(LoanCallSerializer(call).data, status=status.HTTP_201_CREATED)


class RenewalRequestViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    """The two answers to a renewal request task (kind renewal_request), as actions of /staff-tasks/."""

    serializer_class = StaffTaskSerializer
    selector = staff_tasks_for_user

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="approve-renewal")
    def approve_renewal(self, request, pk=None):
        loan = services.renewal_request_approve(task=self.get_object(), by=request.user)
        loan = selectors.loans_for_user(request.user).get(pk=loan.pk)
        return Response(LoanSerializer(loan, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: StaffTaskSerializer})
    @action(detail=True, methods=["post"], url_path="refuse-renewal")
    def refuse_renewal(self, request, pk=None):
        task = services.renewal_request_refuse(task=self.get_object(), by=request.user)
        task = staff_tasks_for_user(request.user).get(pk=task.pk)
        return Response(StaffTaskSerializer(task, context=self.get_serializer_context()).data)
