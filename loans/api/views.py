from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api.fastlist import FastListMixin
from organizations.api.base import TenantModelViewSet, TenantViewSetMixin
from organizations.permissions import Action

from .. import documents, selectors, services
from ..filters import LoanFilter, PaymentFilter, WaitlistFilter
from .serializers import (
    CohortSerializer,
    LoanCheckoutSerializer,
    LoanListRows,
    LoanLostSerializer,
    LoanMoneySerializer,
    LoanNoteSerializer,
    LoanPolicySerializer,
    LoanReturnSerializer,
    LoanSerializer,
    PaymentSerializer,
    PolicyTermsSerializer,
    PublicLoanSerializer,
    RefundSerializer,
    SignatureSerializer,
    WaitlistEntrySerializer,
)


class LoanPolicyViewSet(TenantModelViewSet):
    serializer_class = LoanPolicySerializer
    selector = selectors.loan_policies_for_user
    action_permissions = {"create": Action.MANAGE, "update": Action.MANAGE, "partial_update": Action.MANAGE}
    filterset_fields = ["organization", "device_kind", "period_kind", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    @extend_schema(responses={200: PolicyTermsSerializer}, summary="The terms if lent today (shown before lending)")
    @action(detail=True, methods=["get"])
    def terms(self, request, pk=None):
        terms = services.policy_terms(self.get_object())
        return Response(PolicyTermsSerializer(terms).data)


class CohortViewSet(TenantModelViewSet):
    serializer_class = CohortSerializer
    selector = selectors.cohorts_for_user
    filterset_fields = ["organization"]
    search_fields = ["name"]
    ordering_fields = ["starts_on", "ends_on", "name"]

    def perform_update(self, serializer):
        """A new end date moves the due dates of the course's open loans (services.cohort_move_end)."""
        ends_on = serializer.validated_data.pop("ends_on", None)
        with transaction.atomic():
            # Move the end first when the new start lies past the old end, so no step saves end < start.
            if ends_on is not None and ends_on >= serializer.instance.starts_on:
                serializer.instance = services.cohort_move_end(
                    cohort=serializer.instance, ends_on=ends_on, by=self.request.user
                )
                serializer.save()
            else:
                cohort = serializer.save()
                if ends_on is not None:
                    serializer.instance = services.cohort_move_end(cohort=cohort, ends_on=ends_on, by=self.request.user)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class LoanViewSet(
    TenantViewSetMixin, FastListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Loans: list, read, check out (POST), and one endpoint per action (return, renew, lost, give...).

    The list is the hot path (core.api.fastlist, LoanListRows): the page's loans, their participant, policy
    and items as rows of one query, the page's ids picked on loans_loan alone (selectors.loan_page)."""

    serializer_class = LoanSerializer
    list_rows = LoanListRows
    selector = selectors.loans_for_user
    filterset_class = LoanFilter
    search_fields = ["participant__display_name", "items__device__asset_tag"]
    ordering_fields = ["started_on", "due_on", "created_at", "id"]

    def get_queryset(self):
        if self.action == "list":  # the list joins nothing in its page query (see list)
            return selectors.loan_list_queryset(self.request.user)
        return super().get_queryset()

    def _respond(self, loan, code=status.HTTP_200_OK, *, card_link: bool = False):
        """The loan as LoanSerializer shows it; with `card_link`, its card link for a role that may reveal it,
        and a CardRevealLog row for each link shown."""
        loan = self.get_queryset().get(pk=loan.pk)
        data = LoanSerializer(loan, context={**self.get_serializer_context(), "card_link": card_link}).data
        if data["public_url"]:
            services.card_reveal_record(loan=loan, by=self.request.user, purpose="view", where="api")
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object(), card_link=True)

    @extend_schema(request=LoanCheckoutSerializer, responses={201: LoanSerializer})
    def create(self, request, *args, **kwargs):
        serializer = LoanCheckoutSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.check_create_permission(data["organization"])
        with transaction.atomic():  # the loan and what was paid for it, or nothing
            loan = services.loan_checkout(
                organization=data["organization"],
                participant=data["participant"],
                policy=data["policy"],
                devices=data["devices"],
                cohort=data.get("cohort"),
                accessories=data["accessories"],
                due_on=data["due_on"],
                agreement_signed=data["agreement_signed"],
                signature=data["signature"] or None,
                note=data["note"],
                by=request.user,
            )
            if data["paid_now"]:
                terms = services.policy_terms(loan.policy, cohort=loan.cohort)
                services.checkout_payments(
                    loan=loan,
                    method=data["paid_now"],
                    fee=terms.fee_due if data["fee_paid"] is None else data["fee_paid"],
                    deposit=terms.deposit if data["deposit_paid"] is None else data["deposit_paid"],
                    by=request.user,
                )
        return self._respond(loan, status.HTTP_201_CREATED, card_link=True)

    @extend_schema(responses={200: LoanMoneySerializer}, summary="What was paid, what is owed, what is refundable")
    @action(detail=True, methods=["get"])
    def money(self, request, pk=None):
        return Response(LoanMoneySerializer(services.loan_money(self.get_object()).as_dict()).data)

    @extend_schema(request=LoanReturnSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        loan = self.get_object()
        serializer = LoanReturnSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():  # a refused refund takes nothing back either
            services.loan_return(
                loan=loan,
                by=request.user,
                devices=data.get("devices"),
                condition=data["condition"],
                accessories_returned=data["accessories_returned"],
                note=data["note"],
            )
            if data["refund_deposit"]:
                services.loan_deposit_refund(loan=loan, by=request.user, amount=data["refund_amount"])
        return self._respond(loan)

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        loan = self.get_object()
        services.loan_renew(loan=loan, by=request.user)
        return self._respond(loan)

    @extend_schema(request=LoanLostSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        loan = self.get_object()
        serializer = LoanLostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.loan_mark_lost(loan=loan, by=request.user, **serializer.validated_data)
        return self._respond(loan)

    @extend_schema(request=LoanNoteSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"])
    def give(self, request, pk=None):
        loan = self.get_object()
        serializer = LoanNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.loan_give(loan=loan, by=request.user, **serializer.validated_data)
        return self._respond(loan)

    @extend_schema(request=SignatureSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="agreement-signed")
    def agreement_signed(self, request, pk=None):
        loan = self.get_object()
        params = SignatureSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.loan_agreement_sign(loan=loan, by=request.user, signature=params.validated_data["signature"] or None)
        return self._respond(loan)

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request, pk=None):
        loan = self.get_object()
        services.loan_token_rotate(loan=loan, by=request.user)
        return self._respond(loan, card_link=True)

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="revoke-token")
    def revoke_token(self, request, pk=None):
        loan = self.get_object()
        services.loan_token_revoke(loan=loan, by=request.user)
        return self._respond(loan)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="Loan agreement and receipt")})
    @action(detail=True, methods=["get"], url_path="agreement-pdf")
    def agreement_pdf(self, request, pk=None):
        loan = self.get_object()
        pdf = documents.agreement_pdf(loan)  # its QR code carries the card link: a reveal, for any role
        if not loan.token_revoked_at:
            services.card_reveal_record(loan=loan, by=request.user, purpose="print", where="api agreement")
        return _pdf_response(pdf, f"loan-{loan.pk}-agreement.pdf")

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="Handover document")})
    @action(detail=True, methods=["get"], url_path="handover-pdf")
    def handover_pdf(self, request, pk=None):
        loan = self.get_object()
        if loan.status != "given":
            raise Http404(_("Only a loan given to the participant has a handover document."))
        return _pdf_response(documents.handover_pdf(loan), f"loan-{loan.pk}-handover.pdf")


class WaitlistViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = WaitlistEntrySerializer
    selector = selectors.waitlist_for_user
    filterset_class = WaitlistFilter
    ordering_fields = ["created_at", "offer_expires_on"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.check_create_permission(data["organization"])
        entry = services.waitlist_add(
            organization=data["organization"],
            participant=data["participant"],
            device_kind=data["device_kind"],
            offer_days=data.get("offer_days", 3),
            note=data.get("note", ""),
            by=request.user,
        )
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: WaitlistEntrySerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        entry = services.waitlist_cancel(entry=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)


class PaymentViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The ledger of fees and deposits; entries are never edited or deleted, refunds are marked."""

    serializer_class = PaymentSerializer
    selector = selectors.payments_for_user
    filterset_class = PaymentFilter
    ordering_fields = ["received_on", "amount", "created_at"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.check_create_permission(data["loan"].organization)
        payment = services.payment_record(
            loan=data["loan"],
            kind=data["kind"],
            amount=data["amount"],
            method=data["method"],
            received_on=data.get("received_on"),
            note=data.get("note", ""),
            by=request.user,
        )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefundSerializer, responses={200: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        params = RefundSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        payment = services.payment_refund(
            payment=self.get_object(),
            by=request.user,
            amount=params.validated_data["refund_amount"],
            note=params.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=payment.pk)).data)


class PublicLoanView(APIView):
    """The participant's loan card (no login): what they have, until when, whom to call."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_token"

    @extend_schema(tags=["public"], responses={200: PublicLoanSerializer, 404: OpenApiResponse(description="Unknown")})
    def get(self, request, token: str):
        loan = selectors.loan_by_public_token(token)
        if loan is None:
            raise Http404
        return Response(selectors.loan_public_payload(loan))
