import json

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.api.base import TenantViewSetMixin
from organizations.permissions import Action

from .. import selectors, services, webhooks
from ..filters import OutboundMessageFilter
from ..models import OutboundMessage
from .serializers import MonthlyCountSerializer, OutboundMessageSerializer, ResendSerializer, SmsOptOutSerializer


class OutboundMessageViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The SMS log of the caller's organisations; a failed message can be sent again explicitly."""

    serializer_class = OutboundMessageSerializer
    selector = selectors.messages_for_user
    action_permissions = {"resend": Action.CHANGE}
    filterset_class = OutboundMessageFilter
    search_fields = ["to", "participant__display_name", "idempotency_key"]  # never into bodies: they carry secrets
    ordering_fields = ["created_at", "scheduled_for", "sent_at", "status"]

    @extend_schema(request=ResendSerializer, responses={201: OutboundMessageSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        message = self.get_object()
        serializer = ResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = services.message_resend(message=message, by=request.user, reason=serializer.validated_data["reason"])
        return Response(OutboundMessageSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MonthlyCountSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        """SMS handed to the provider per organisation per month (messages and segments)."""
        rows = selectors.message_counts_by_month(request.user)
        return Response(MonthlyCountSerializer(rows, many=True).data)


class SmsOptOutViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SmsOptOutSerializer
    selector = selectors.opt_outs_for_user
    filterset_fields = ["organization", "participant", "channel"]
    ordering_fields = ["received_at"]


def _provider(provider: str) -> str:
    if provider not in webhooks.SIGNATURE_CHECKS:
        raise NotFound(_("Unknown SMS provider."))
    return provider


@method_decorator(csrf_exempt, name="dispatch")
class StatusWebhookView(APIView):
    """Delivery reports from the provider: signature checked (403), unknown message id 404."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes: list = []  # read from the raw request: the signature covers it

    @extend_schema(
        request=None,
        responses={204: None, 403: OpenApiResponse(description="bad signature"), 404: OpenApiResponse()},
    )
    def post(self, request, provider: str):
        provider = _provider(provider)
        raw = request._request
        if not webhooks.SIGNATURE_CHECKS[provider](raw):
            raise PermissionDenied(_("Invalid signature."))
        try:
            provider_id, new_status, error = webhooks.parse_status(provider, raw)
        except (ValueError, json.JSONDecodeError):
            return Response({"detail": _("Invalid JSON."), "code": "invalid", "fields": {}}, status=400)
        if not provider_id:
            return Response({"detail": _("Message id missing."), "code": "required", "fields": {"id": []}}, status=400)
        try:
            message = OutboundMessage.objects.get(backend=provider, provider_id=provider_id)
        except OutboundMessage.DoesNotExist as exc:
            raise NotFound(_("No such message.")) from exc
        if new_status:
            services.message_status_report(
                backend=provider, provider_id=message.provider_id, status=new_status, error=error
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(csrf_exempt, name="dispatch")
class InboundWebhookView(APIView):
    """Replies from participants: STOP / ARRET / STOPPEN opts the number out, START opts it in again, each in
    the organisations that messaged it lately (see `services.sms_opt_out_record`); 400 naming a missing or
    invalid field, and then nothing is written."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes: list = []

    @extend_schema(
        request=None,
        responses={
            200: None,
            204: None,
            400: OpenApiResponse(description="missing or invalid field"),
            403: OpenApiResponse(description="bad signature"),
        },
    )
    def post(self, request, provider: str):
        provider = _provider(provider)
        raw = request._request
        if not webhooks.SIGNATURE_CHECKS[provider](raw):
            raise PermissionDenied(_("Invalid signature."))
        try:
            sender, text = webhooks.parse_inbound(provider, raw)
        except (ValueError, json.JSONDecodeError):
            return Response({"detail": _("Invalid JSON."), "code": "invalid", "fields": {}}, status=400)
        errors = _inbound_errors(provider, sender, text)
        if errors:
            return Response(
                {"detail": _("The reply is incomplete or invalid."), "code": "invalid", "fields": errors}, status=400
            )
        services.sms_reply_record(phone=sender, text=text, backend=provider)
        if provider == "twilio":
            return HttpResponse("<Response/>", content_type="text/xml")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _inbound_errors(provider: str, sender, text) -> dict[str, list[str]]:
    """Field errors of an inbound SMS, under the provider's own field names (e.g. From/Body for Twilio)."""
    sender_key, text_key = webhooks.INBOUND_FIELDS[provider]
    errors = {}
    if sender is None or (isinstance(sender, str) and not sender.strip()):
        errors[sender_key] = [_("This field is required.")]
    elif not isinstance(sender, str) or "\x00" in sender or not services.inbound_number(sender):
        errors[sender_key] = [_("Not a valid phone number.")]
    if text is None:
        errors[text_key] = [_("This field is required.")]
    elif not isinstance(text, str) or "\x00" in text:
        errors[text_key] = [_("Must be text.")]
    elif len(text) > webhooks.MAX_INBOUND_TEXT:
        errors[text_key] = [_("At most %(max)d characters.") % {"max": webhooks.MAX_INBOUND_TEXT}]
    return errors
