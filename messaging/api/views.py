import json

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DomainError
from organizations.api.base import TenantViewSetMixin
from organizations.permissions import Action

from .. import selectors, services, texts, webhooks
from ..filters import OutboundMessageFilter
from ..models import OutboundMessage
from ..services import wordings
from .serializers import (
    MonthlyCountSerializer,
    OutboundMessageSerializer,
    ResendSerializer,
    SmsOptOutSerializer,
    SmsWordingSerializer,
    WordingDefaultSerializer,
    WordingPreviewResultSerializer,
    WordingPreviewSerializer,
)


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


class SmsWordingViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    """An organisation's own SMS wordings (the desk's /desk/messages/ over the same service).

    Only an administrator of the organisation saves or resets one; members read them. A text is checked on
    save: known placeholders only (an unknown one is a 400 naming it), the organisation's name first, and
    above one SMS only with `confirm_segments`. DELETE goes back to the default text; the history is kept."""

    serializer_class = SmsWordingSerializer
    selector = selectors.wordings_for_user
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    action_permissions = {
        "create": Action.MANAGE,
        "update": Action.MANAGE,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
    }
    filterset_fields = ["organization", "key", "language"]
    ordering_fields = ["updated_at", "key", "language"]

    def _save(self, organization, key, language, body, confirm):
        try:
            wordings.wording_save(organization, key, language, body, by=self.request.user, confirm_segments=confirm)
        except DomainError as error:
            raise ValidationError(error.fields or {"body": [error.message]}) from error
        return self.get_queryset().get(organization=organization, key=key, language=language)

    def perform_create(self, serializer):
        data = serializer.validated_data
        self.check_create_permission(data["organization"])
        serializer.instance = self._save(
            data["organization"], data["key"], data["language"], data["body"], data["confirm_segments"]
        )

    def perform_update(self, serializer):
        wording, data = serializer.instance, serializer.validated_data
        serializer.instance = self._save(
            wording.organization,
            wording.key,
            wording.language,
            data.get("body", wording.body),
            data.get("confirm_segments", False),
        )

    def perform_destroy(self, instance):
        wordings.wording_reset(instance.organization, instance.key, instance.language, by=self.request.user)

    @extend_schema(
        request=WordingPreviewSerializer,
        responses={200: WordingPreviewResultSerializer},
        examples=[
            OpenApiExample(
                "A reminder in French",
                request_only=True,
                value={"key": "loan_reminder.before", "language": "fr", "body": "{org}: rendez-le le {date}. {phone}"},
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def preview(self, request):
        """The text as a participant would get it, with the organisation's real data and an example
        participant, and its segment count; nothing is saved."""
        serializer = WordingPreviewSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = data.get("organization") or serializer.fields["organization"].get_queryset().first()
        if organization is None:
            raise ValidationError({"organization": [_("This field is required.")]})
        try:
            result = wordings.wording_preview(organization, data["key"], data["language"], data["body"])
        except DomainError as error:
            raise ValidationError(error.fields or {"body": [error.message]}) from error
        return Response(WordingPreviewResultSerializer(result).data)

    @extend_schema(responses=WordingDefaultSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def defaults(self, request):
        """The default text of every message in every language, with the placeholders it may use."""
        rows = [
            {
                "key": key,
                "language": language,
                "body": wordings.wording_default(key, language),
                "placeholders": sorted(wordings.PLACEHOLDERS[key] | wordings.ALWAYS),
            }
            for key in wordings.PLACEHOLDERS
            for language in texts.SUPPORTED_LANGUAGES
        ]
        return Response(WordingDefaultSerializer(rows, many=True).data)


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
