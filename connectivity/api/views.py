from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import TenantViewSetMixin
from organizations.permissions import Action, organization_ids_allowing
from organizations.selectors import user_funder_ids, user_roles

from .. import selectors, services
from ..filters import (
    CodeBatchFilter,
    CodeRevealLogFilter,
    DigichequeBatchFilter,
    DigichequeFilter,
    EligibilityCodeFilter,
    PackFilter,
)
from . import serializers as s


class ProgrammePermission(permissions.BasePermission):
    """Programmes are shared data: members and funder users read them, platform administrators write."""

    message = _("Only a platform administrator can change programmes.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return request.method in permissions.SAFE_METHODS and bool(user_roles(user) or user_funder_ids(user))


class ProgrammeViewSet(viewsets.ModelViewSet):
    serializer_class = s.ProgrammeSerializer
    permission_classes = [ProgrammePermission]
    search_fields = ["name", "provider"]
    ordering_fields = ["name", "provider", "created_at"]
    filterset_fields = ["provider", "one_per_household", "is_active"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.programmes_for_user(self.request.user).prefetch_related("packs")


class PackViewSet(viewsets.ModelViewSet):
    serializer_class = s.PackSerializer
    permission_classes = [ProgrammePermission]
    filterset_class = PackFilter
    search_fields = ["name", "programme__name"]
    ordering_fields = ["name", "monthly_price"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.packs_for_user(self.request.user)


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details; every change is a named action calling one service."""

    def _run(self, serializer_class, service, **extra):
        obj = self.get_object()
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = service(**{self.service_noun: obj}, **serializer.validated_data, **extra, by=self.request.user)
        return Response(self.get_serializer(result).data)


class CodeBatchViewSet(TenantReadOnlyViewSet):
    serializer_class = s.CodeBatchSerializer
    selector = selectors.code_batches_for_user
    filterset_class = CodeBatchFilter
    search_fields = ["reference", "programme__name"]
    ordering_fields = ["imported_at"]

    @extend_schema(
        request={"multipart/form-data": s.CodeImportSerializer},
        responses={200: s.ImportReportSerializer, 201: s.ImportReportSerializer},
        summary="Import the provider's CSV of codes (dry_run=true checks it without writing)",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_csv(self, request):
        serializer = s.CodeImportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.check_create_permission(data["organization"])
        report = services.code_batch_import(
            organization=data["organization"],
            programme=data["programme"],
            grant=data.get("grant"),
            csv_text=data["file"],
            reference=data.get("reference") or getattr(request.data.get("file"), "name", ""),
            dry_run=data["dry_run"],
            by=request.user,
        )
        if report.batch is not None:
            report.batch = selectors.code_batches_for_user(request.user).get(pk=report.batch.pk)
        body = s.ImportReportSerializer(
            {
                "dry_run": report.dry_run,
                "rows": report.rows,
                "ok": report.ok,
                "errors": report.errors,
                "batch": report.batch,
            }
        ).data
        return Response(body, status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED)


def _revealed(request, reveal, field: str, **secret_holder) -> Response:
    """A secret in clear (a code, a cheque serial) for one reveal service, which logs who and why; never cached."""
    serializer = s.CodeRevealSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    (holder,) = secret_holder.values()
    value = reveal(**secret_holder, by=request.user, reason=serializer.validated_data.get("reason", ""))
    response = Response({"id": holder.pk, field: value})
    response["Cache-Control"] = "no-store"
    return response


class EligibilityCodeViewSet(TenantReadOnlyViewSet):
    serializer_class = s.EligibilityCodeSerializer
    selector = selectors.codes_for_user
    filterset_class = EligibilityCodeFilter
    search_fields = ["participant__display_name", "household_ref"]
    ordering_fields = ["status_changed_at", "expires_on", "assigned_at", "recheck_on"]
    service_noun = "code"
    # Seeing or printing a secret code is for staff and admins, not volunteers.
    action_permissions = {"reveal": Action.EXPORT, "letter": Action.EXPORT, "send_sms": Action.EXPORT}

    @extend_schema(request=s.CodeRevealSerializer, responses=s.CodeRevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The code in clear, once; the reveal is logged with who and why."""
        return _revealed(request, services.code_reveal, "code", code=self.get_object())

    @extend_schema(request=s.CodeAssignSerializer, responses=s.EligibilityCodeSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(s.CodeAssignSerializer, services.code_assign)

    @extend_schema(request=s.CodeActivateSerializer, responses=s.EligibilityCodeSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._run(s.CodeActivateSerializer, services.code_activate)

    @extend_schema(request=s.ReasonSerializer, responses=s.EligibilityCodeSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._run(s.ReasonSerializer, services.code_revoke)

    @extend_schema(request=s.CodeRecheckSerializer, responses=s.EligibilityCodeSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        return self._run(s.CodeRecheckSerializer, services.code_recheck_record)

    @extend_schema(request=None, responses={202: s.SmsQueuedSerializer})
    @action(detail=True, methods=["post"], url_path="send-sms")
    def send_sms(self, request, pk=None):
        key = services.code_deliver_sms(code=self.get_object(), by=request.user)
        return Response({"idempotency_key": key}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        """The printable letter (PDF) with the code and activation steps in the participant's language."""
        code = self.get_object()
        pdf = services.code_letter(code=code, by=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="internet-code-{code.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class CodeRevealLogViewSet(TenantReadOnlyViewSet):
    serializer_class = s.CodeRevealLogSerializer
    selector = selectors.code_reveals_for_user
    filterset_class = CodeRevealLogFilter
    ordering_fields = ["at"]


class DigichequeBatchViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    serializer_class = s.DigichequeBatchSerializer
    selector = selectors.digicheque_batches_for_user
    filterset_class = DigichequeBatchFilter
    search_fields = ["supplier"]
    ordering_fields = ["purchased_on", "expires_on", "created_at"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_create_permission(data["organization"])
        batch = services.digicheque_batch_create(**data, by=self.request.user)
        serializer.instance = selectors.digicheque_batches_for_user(self.request.user).get(pk=batch.pk)


class DigichequeViewSet(TenantReadOnlyViewSet):
    serializer_class = s.DigichequeSerializer
    selector = selectors.digicheques_for_user
    filterset_class = DigichequeFilter
    search_fields = ["serial", "participant__display_name", "repair_reference"]  # a paper cheque in hand
    ordering_fields = ["serial", "status_changed_at", "issued_at"]
    service_noun = "cheque"
    action_permissions = {"reveal": Action.EXPORT}  # a serial in clear: staff and admins, as for a code

    @extend_schema(request=s.CodeRevealSerializer, responses=s.ChequeRevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The serial in clear, once; the reveal is logged with who and why."""
        return _revealed(request, services.digicheque_reveal, "serial", cheque=self.get_object())

    @extend_schema(request=s.DigichequeIssueSerializer, responses=s.DigichequeSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._run(s.DigichequeIssueSerializer, services.digicheque_issue)

    @extend_schema(request=s.DigichequeSpendSerializer, responses=s.DigichequeSerializer)
    @action(detail=True, methods=["post"])
    def spend(self, request, pk=None):
        return self._run(s.DigichequeSpendSerializer, services.digicheque_spend)

    @extend_schema(request=s.DigichequeRedeemSerializer, responses=s.DigichequeSerializer)
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        return self._run(s.DigichequeRedeemSerializer, services.digicheque_redeem)

    @extend_schema(request=s.ReasonSerializer, responses=s.DigichequeSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self._run(s.ReasonSerializer, services.digicheque_void)

    @extend_schema(responses=s.DigichequeBalanceSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def balances(self, request):
        """Per organisation and grant: cheques by status with their value, and what the batches cost."""
        org_ids = None if request.user.is_superuser else organization_ids_allowing(request.user, Action.VIEW)
        rows = selectors.digicheque_balances(organization_ids=org_ids)
        return Response(s.DigichequeBalanceSerializer(rows, many=True).data)
