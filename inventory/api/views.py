import csv
import mimetypes
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.fastlist import FastListMixin
from core.api.schema import ErrorSerializer
from organizations.api.base import TenantModelViewSet
from organizations.permissions import Action

from .. import selectors
from ..filters import DeviceFilter, DonorFilter, RepairTicketFilter, WipeRecordFilter
from ..imports import COLUMNS, ImportFileError, import_devices
from ..intake import donation_intake
from ..labels import LabelSheet, render_labels
from ..models import Device
from ..services import (
    TRANSITIONS,
    device_create,
    device_transition,
    repair_ticket_create,
    wipe_record_create,
)
from .serializers import (
    DeviceEventSerializer,
    DeviceImportRefusalSerializer,
    DeviceImportReportSerializer,
    DeviceListRows,
    DeviceSerializer,
    DonorSerializer,
    ImportSerializer,
    IntakeSerializer,
    LabelsSerializer,
    RepairTicketSerializer,
    TransitionSerializer,
    WipeRecordSerializer,
)

# What a certificate download is sent as; any other upload goes out as application/octet-stream.
CERTIFICATE_TYPES = ("application/pdf", "image/png", "image/jpeg", "application/octet-stream")
EXPORT_COLUMNS = ["asset_tag", *[c for c in COLUMNS if c != "asset_tag"], "status", "label_code"]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


class NoNulQueryParamsMixin:
    """PostgreSQL cannot compare with a NUL character: refuse it in filters and search as a 400, not a 500."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bad = {
            name: [_("Null characters are not allowed.")]
            for name, value in request.query_params.lists()
            if any("\x00" in v for v in value)
        }
        if bad:
            raise serializers.ValidationError(bad)


class DeviceViewSet(NoNulQueryParamsMixin, FastListMixin, TenantModelViewSet):
    """Devices of your organisations. The status moves only through the action endpoints. The list is the hot
    path (core.api.fastlist, DeviceListRows): rows as dicts from one query, shaped like DeviceSerializer's."""

    serializer_class = DeviceSerializer
    list_rows = DeviceListRows
    selector = selectors.devices_for_user
    filterset_class = DeviceFilter
    search_fields = ["asset_tag", "serial", "make", "model"]
    ordering_fields = ["asset_tag", "intake_date", "status_changed_at", "kind", "status", "created_at"]
    ordering = ["asset_tag"]
    # The role table: exporting is for staff and admins (a list route: `export` narrows to those organisations);
    # a label sheet is part of intake, which volunteers do.
    action_permissions = {
        "import_csv": Action.CHANGE,
        "intake": Action.CHANGE,
        "labels": Action.VIEW,
        "export": Action.EXPORT,
    }

    def perform_create(self, serializer):
        self.check_create_permission(serializer.validated_data["organization"])
        serializer.instance = device_create(device=Device(**serializer.validated_data), by=self.request.user)

    @extend_schema(responses=DeviceEventSerializer(many=True), summary="Status history of a device")
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        device = self.get_object()
        return Response(DeviceEventSerializer(selectors.device_events(device), many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, summary="CSV export of the filtered device list")
    @action(detail=False, methods=["get"])
    def export(self, request):
        queryset = self.filter_queryset(self.queryset_allowing(self.get_queryset(), Action.EXPORT))
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
            for device in queryset.iterator(chunk_size=2000):
                values = []
                for column in EXPORT_COLUMNS:
                    if column in ("donor", "grant"):
                        related = getattr(device, column)
                        values.append(_cell(related.name if related else ""))
                    else:
                        values.append(_cell(getattr(device, column)))
                yield writer.writerow(values)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="devices-{timezone.localdate():%Y%m%d}.csv"'
        return response

    @extend_schema(
        request=LabelsSerializer,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="QR label sheet (PDF) for the given devices",
    )
    @action(detail=False, methods=["post"])
    def labels(self, request):
        params = LabelsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(params.validated_data["devices"]))
        found = {d.id: d for d in self.get_queryset().select_related("organization").filter(id__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError(
                {"devices": [_("Unknown devices: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]}
            )
        sheet = LabelSheet(columns=params.validated_data["columns"], rows=params.validated_data["rows"])
        pdf = render_labels([found[i] for i in ids], sheet=sheet, start_at=params.validated_data["start_at"])
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: DeviceImportReportSerializer,
            201: DeviceImportReportSerializer,
            400: OpenApiResponse(DeviceImportRefusalSerializer, description="Bad form or file, or rows with errors"),
        },
        summary="Import devices from CSV: dry run (default) or all-or-nothing commit",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request):
        params = ImportSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            report = import_devices(
                organization=data["organization"],
                data=data["file"].read(),
                by=request.user,
                dry_run=data["dry_run"],
                donor=data.get("donor"),
            )
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": [exc.message]}) from exc
        if not report.ok:
            fields = {f"line {e['line']}.{name}": msgs for e in report.errors for name, msgs in e["errors"].items()}
            return Response(
                {
                    "detail": _("%(count)d of %(total)d rows have errors; nothing was imported.")
                    % {"count": len(report.errors), "total": report.total},
                    "code": "invalid_rows",
                    "fields": fields,
                    **report.as_dict(),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict(), status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED)

    @extend_schema(
        request=IntakeSerializer,
        responses={201: DeviceSerializer(many=True), 400: OpenApiResponse(ErrorSerializer)},
        summary="Take in a donation: one device per serial, generated tags, one batch wipe; all or nothing",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def intake(self, request):
        params = IntakeSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        self.check_create_permission(data["organization"])
        wipe = data.pop("wipe", None)
        if wipe is not None:
            wipe = dict(wipe)
            wipe.setdefault("wiped_on", timezone.localdate())
        devices = donation_intake(
            by=request.user,
            wipe=wipe,
            new_donor={"name": data.pop("new_donor_name"), "kind": data.pop("new_donor_kind")},
            **data,
        )
        found = self.get_queryset().filter(pk__in=[d.pk for d in devices]).order_by("asset_tag")
        return Response(self.get_serializer(found, many=True).data, status=status.HTTP_201_CREATED)


def _transition_endpoint(name: str):
    transition = TRANSITIONS[name]

    @extend_schema(
        request=TransitionSerializer,
        responses={200: DeviceSerializer, 409: OpenApiResponse(OpenApiTypes.OBJECT)},
        summary=f"{transition.label} (to {transition.target}; from {', '.join(sorted(transition.sources))})",
    )
    def endpoint(self, request, pk=None):
        device = self.get_object()
        params = TransitionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        device_transition(device=device, action=name, by=request.user, note=params.validated_data["note"])
        return Response(self.get_serializer(device).data)

    endpoint.__name__ = name
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(endpoint)


for _name in TRANSITIONS:
    setattr(DeviceViewSet, _name, _transition_endpoint(_name))


class DonorViewSet(NoNulQueryParamsMixin, TenantModelViewSet):
    serializer_class = DonorSerializer
    selector = selectors.donors_for_user
    filterset_class = DonorFilter
    search_fields = ["name", "contact_name"]
    ordering_fields = ["name", "created_at"]


class DeviceChildViewSet(NoNulQueryParamsMixin, TenantModelViewSet):
    """Rows that belong to a device: the organisation is the device's."""

    def organization_id_of(self, obj) -> int:
        return obj.device.organization_id


class WipeRecordViewSet(DeviceChildViewSet):
    serializer_class = WipeRecordSerializer
    selector = selectors.wipe_records_for_user
    filterset_class = WipeRecordFilter
    search_fields = ["device__asset_tag", "operator", "tool", "certificate_reference"]
    ordering_fields = ["wiped_on", "created_at"]
    parser_classes = [MultiPartParser, FormParser, *TenantModelViewSet.parser_classes]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_create_permission(data["device"].organization)
        serializer.instance = wipe_record_create(device=data.pop("device"), by=self.request.user, **data)

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in CERTIFICATE_TYPES},
            404: OpenApiResponse(ErrorSerializer, description="No such record in your organisations, or no file"),
        },
        summary="Download the wipe record's certificate file (members of the device's organisation only)",
    )
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        """The uploaded certificate, streamed by Django after the record was found through the caller's
        organisations (anyone else: 404). Media files are never served publicly (see deploy/Caddyfile)."""
        record = self.get_object()
        if not record.certificate_file:
            raise NotFound(_("This wipe record has no certificate file."))
        try:
            file = record.certificate_file.open("rb")
        except FileNotFoundError as exc:
            raise NotFound(_("This wipe record has no certificate file.")) from exc
        name = Path(record.certificate_file.name).name
        guessed = mimetypes.guess_type(name)[0]
        response = FileResponse(
            file,
            as_attachment=True,  # never rendered inline by the browser, whatever was uploaded
            filename=name,
            content_type=guessed if guessed in CERTIFICATE_TYPES else "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class RepairTicketViewSet(DeviceChildViewSet):
    serializer_class = RepairTicketSerializer
    selector = selectors.repair_tickets_for_user
    filterset_class = RepairTicketFilter
    search_fields = ["device__asset_tag", "partner", "problem"]
    ordering_fields = ["sent_on", "returned_on", "created_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_create_permission(data["device"].organization)
        serializer.instance = repair_ticket_create(device=data.pop("device"), by=self.request.user, **data)
