"""Privacy endpoints: export and erase one participant (admins), consent records, retention, the log."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.permissions import Action, IsMember, can, organization_ids_allowing
from organizations.selectors import organizations_for_user

from .. import documents, selectors, services
from ..processing import processing_record
from .serializers import (
    AnonymisationSerializer,
    ConsentInputSerializer,
    ConsentRecordSerializer,
    PrivacyLogEntrySerializer,
    RetentionRuleSerializer,
)

ADMIN_ONLY = OpenApiResponse(description="Your role is not admin in the participant's organisation")
NOT_FOUND = OpenApiResponse(description="Not a participant of your organisations")


def _participant(request, pk: int, action: Action):
    """The participant through the caller's scope (another organisation's: 404), then the role (403)."""
    participant = selectors.participant_for_admin(request.user, pk)
    if not can(request.user, participant.organization_id, action):
        raise PermissionDenied(_("Only an administrator of the organisation may do this."))
    return participant


class ParticipantExportView(APIView):
    """Everything held about one participant, as JSON or as a readable PDF in their language."""

    permission_classes = [IsMember]
    kind = "json"

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: ADMIN_ONLY,
            404: NOT_FOUND,
        }
    )
    def get(self, request, pk: int):
        participant = _participant(request, pk, Action.MANAGE)
        data = selectors.participant_export(participant)
        if self.kind == "pdf":
            response = HttpResponse(
                documents.export_pdf(participant=participant, data=data), content_type="application/pdf"
            )
        else:
            body = json.dumps(data, ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        # logged once the export exists: a PDF that failed to build is not an export that happened
        services.export_logged(participant=participant, by=request.user, kind=self.kind)
        response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}.{self.kind}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ParticipantEraseView(APIView):
    """Anonymise one participant now (their request). 409 while a loan is open or a device is with them."""

    permission_classes = [IsMember]

    @extend_schema(
        request=None,
        responses={
            200: AnonymisationSerializer,
            403: ADMIN_ONLY,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Open loan, device still with them, or already erased"),
        },
    )
    def post(self, request, pk: int):
        participant = _participant(request, pk, Action.MANAGE)
        record = services.participant_erase(participant=participant, by=request.user)
        return Response(AnonymisationSerializer(record).data)


class ParticipantConsentView(APIView):
    """GET the participant's SMS consent records; POST records consent given or withdrawn."""

    permission_classes = [IsMember]

    @extend_schema(responses={200: ConsentRecordSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk: int):
        participant = _participant(request, pk, Action.VIEW)
        records = selectors.consent_records_for(participant)
        return Response(ConsentRecordSerializer(records, many=True).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentRecordSerializer, 404: NOT_FOUND})
    def post(self, request, pk: int):
        participant = _participant(request, pk, Action.CHANGE)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.consent_record(participant=participant, by=request.user, **serializer.validated_data)
        return Response(ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class RetentionView(APIView):
    """An organisation's retention period in months: members read it, admins change it."""

    permission_classes = [IsMember]

    def _organization(self, request, pk: int, action: Action):
        organization = get_object_or_404(organizations_for_user(request.user), pk=pk)
        if not can(request.user, organization.pk, action):
            raise PermissionDenied(_("Only an administrator of the organisation may do this."))
        return organization

    @extend_schema(responses={200: RetentionRuleSerializer, 404: OpenApiResponse(description="Not your organisation")})
    def get(self, request, pk: int):
        organization = self._organization(request, pk, Action.VIEW)
        return Response({"months": selectors.retention_months(organization)})

    @extend_schema(request=RetentionRuleSerializer, responses={200: RetentionRuleSerializer, 403: ADMIN_ONLY})
    def put(self, request, pk: int):
        organization = self._organization(request, pk, Action.MANAGE)
        serializer = RetentionRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.retention_set(
            organization=organization, months=serializer.validated_data["months"], by=request.user
        )
        return Response(RetentionRuleSerializer(rule).data)


class PrivacyLogView(generics.ListAPIView):
    """The privacy log of the organisations where the caller is an administrator."""

    permission_classes = [IsMember]
    serializer_class = PrivacyLogEntrySerializer
    filterset_fields = ["organization", "action"]
    ordering_fields = ["at"]
    search_fields: list[str] = []

    def get_queryset(self):
        queryset = selectors.privacy_log_for_user(self.request.user)
        if self.request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=organization_ids_allowing(self.request.user, Action.MANAGE))


class ProcessingRecordView(APIView):
    """The record of processing: each personal field, why it is kept, who sees it, how long."""

    permission_classes = [IsMember]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(processing_record())
