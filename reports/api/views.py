"""Reports on demand (JSON, CSV, PDF) and the caller's own monthly subscriptions."""

from django.db.models import Max, Q
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, renderers, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.renderers import JSONRenderer

from .. import selectors, services
from ..choices import ReportFormat, ReportFrequency, ReportPeriod
from ..models import ReportSubscription
from ..rendering import XLSX_MEDIA_TYPE, report_csv, report_pdf, report_xlsx
from .serializers import ReportQuerySerializer, ReportSubscriptionSerializer


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XLSXRenderer(PDFRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"


class ReportNegotiation(DefaultContentNegotiation):
    """`?format=` must be one the report offers: anything else is a 400 naming `format`, not a 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        offered = [renderer.format for renderer in renderers]
        if wanted and wanted not in offered:
            raise exceptions.ValidationError(
                {"format": [_("Choose one of: %(formats)s.") % {"formats": ", ".join(offered)}]}
            )
        return super().select_renderer(request, renderers, format_suffix)


def _report_parameters(*, grant: bool) -> list[OpenApiParameter]:
    """The query of a report; `period=grant` exists for a grant's report only (elsewhere a 400 naming it)."""
    periods = [choice.value for choice in ReportPeriod if grant or choice != ReportPeriod.GRANT]
    return [
        OpenApiParameter(
            "format", str, enum=[choice.value for choice in ReportFormat], description="json, csv, xlsx or pdf"
        ),
        OpenApiParameter(
            "period",
            str,
            enum=periods,
            description="month, quarter, year (with year and number; else the last one over)"
            + (", grant (the grant's whole period)" if grant else "")
            + " or custom (period_start and period_end; the default when they are given, and only with it)",
        ),
        OpenApiParameter(
            "year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="The year of the period"
        ),
        OpenApiParameter(
            "number",
            {"type": "integer", "minimum": 1, "maximum": 12},
            description="The month (1-12) or the quarter (1-4); with year",
        ),
        OpenApiParameter("period_start", OpenApiTypes.DATE, description="First day (default: first day of last month)"),
        OpenApiParameter(
            "period_end", OpenApiTypes.DATE, description="Last day, included (default: end of last month)"
        ),
        OpenApiParameter("lang", str, enum=["nl", "fr", "en"], description="Language of CSV/PDF labels"),
        OpenApiParameter("suppress", bool, description="Funder-facing version even for an organisation admin"),
    ]


REPORT_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
    400: OpenApiResponse(description="Bad period, language or format (names the field)"),
    404: OpenApiResponse(description="Not one of your grants, funders or organisations"),
}


class ReportView(APIView):
    """GET a report for one scope; the scope object is looked up through the caller's selectors (else 404)."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer, PDFRenderer]
    content_negotiation_class = ReportNegotiation
    scope_name = ""

    def scope_object(self, request, pk):
        raise NotImplementedError

    def handle_exception(self, exc):
        # An error is the API's JSON error body whatever format was asked for (the schema says so):
        # the CSV and PDF renderers would send the dict as if it were the document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def get(self, request, pk: int):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        obj = self.scope_object(request, pk)
        start, end = query.period_for(grant=obj if self.scope_name == "grant" else None)
        language = query.validated_data.get("lang") or translation.get_language()
        with translation.override(language):
            report = services.report_for(
                user=request.user,
                period_start=start,
                period_end=end,
                suppress=query.validated_data["suppress"],
                **{self.scope_name: obj},
            )
            report["language"] = translation.get_language()
            fmt = request.accepted_renderer.format
            if fmt == "json":
                return Response(report)
            filename = f"report-{self.scope_name}-{pk}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
            body = {"pdf": report_pdf, "csv": report_csv, "xlsx": report_xlsx}[fmt](report)
        response = Response(body, content_type=request.accepted_renderer.media_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@extend_schema(
    tags=["reports"],
    parameters=_report_parameters(grant=True),
    responses=REPORT_RESPONSES,
    summary="Report of one grant",
)
class GrantReportView(ReportView):
    scope_name = "grant"

    def scope_object(self, request, pk):
        return get_object_or_404(selectors.report_grants_for_user(request.user), pk=pk)


@extend_schema(
    tags=["reports"],
    parameters=_report_parameters(grant=False),
    responses=REPORT_RESPONSES,
    summary="Report of a funder's grants",
)
class FunderReportView(ReportView):
    scope_name = "funder"

    def scope_object(self, request, pk):
        return get_object_or_404(selectors.report_funders_for_user(request.user), pk=pk)


@extend_schema(
    tags=["reports"],
    parameters=_report_parameters(grant=False),
    responses=REPORT_RESPONSES,
    summary="Report of an organisation",
)
class OrganizationReportView(ReportView):
    scope_name = "organization"

    def scope_object(self, request, pk):
        return get_object_or_404(selectors.report_organizations_for_user(request.user), pk=pk)


def _default_language() -> str:
    language = (translation.get_language() or "nl")[:2]
    return language if language in ("nl", "fr", "en") else "nl"


@extend_schema(tags=["reports"])
class ReportSubscriptionViewSet(viewsets.ModelViewSet):
    """The caller's own monthly report e-mails (funder users and organisation members)."""

    serializer_class = ReportSubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["is_active", "language"]
    ordering_fields = ["created_at"]

    queryset = ReportSubscription.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportSubscription.objects.none()
        return (
            ReportSubscription.objects.filter(user=self.request.user)
            .annotate(last_sent_period=Max("deliveries__period_start", filter=Q(deliveries__status="sent")))
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.subscription_create(
            user=self.request.user,
            email=data["email"],
            language=data.get("language") or _default_language(),
            attachment_format=data["attachment_format"],
            frequency=data.get("frequency") or ReportFrequency.MONTHLY,
            funder=data.get("funder"),
            grant=data.get("grant"),
            organization=data.get("organization"),
        )
