from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from organizations.models import Organization, Participant, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import BlockedReason, Encoding, MessageStatus, OptOutChannel

E164 = RegexValidator(r"^\+[1-9]\d{6,14}$", _("A phone number in international form, e.g. +32470123456."))


class OutboundMessageQuerySet(models.QuerySet):
    def sendable(self, *, now=None):
        """Queued messages whose time has come: what a sender may try to claim."""
        return self.filter(status=MessageStatus.QUEUED, scheduled_for__lte=now or timezone.now())

    def stale_claims(self, *, older_than):
        """Messages claimed for sending whose outcome never came back (a worker died mid-send)."""
        return self.filter(status=MessageStatus.SENDING, claimed_at__lt=older_than)


class OutboundMessage(SameOrganizationModel, models.Model):
    """One SMS. `idempotency_key` makes its creation happen once, whatever retries or re-runs do.

    The database is the queue: a message is `queued` until a sender claims it with a conditional
    UPDATE (queued -> sending) just before calling the provider, so two senders never both send it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="outbound_messages", verbose_name=_("organisation")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("participant"),
    )
    to = models.CharField(
        _("recipient"), max_length=16, blank=True, validators=[E164], help_text=_("E.164, e.g. +32470123456.")
    )
    language = models.CharField(_("language"), max_length=8)
    template = models.CharField(_("template"), max_length=40)
    body = models.TextField(_("text"))
    encoding = models.CharField(_("encoding"), max_length=4, choices=Encoding.choices)
    segments = models.PositiveSmallIntegerField(_("segments"))
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    scheduled_for = models.DateTimeField(_("send from"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    blocked_reason = models.CharField(
        _("why it was not sent"), max_length=20, choices=BlockedReason.choices, blank=True
    )
    backend = models.CharField(_("provider"), max_length=20, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends", verbose_name=_("resend of")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    request_reason = models.CharField(_("reason for resending"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS messages")
        constraints = [
            _choices_check("status", MessageStatus.choices),
            _choices_check("encoding", Encoding.choices),
            _choices_check("blocked_reason", BlockedReason.choices, blank=True),
            models.CheckConstraint(
                condition=Q(blocked_reason="") | Q(status=MessageStatus.CANCELLED), name="message_blocked_is_cancelled"
            ),
            models.CheckConstraint(condition=Q(segments__gte=1), name="message_segments_positive"),
        ]
        indexes = [
            models.Index(fields=["scheduled_for"], condition=Q(status=MessageStatus.QUEUED), name="message_queued"),
            models.Index(fields=["claimed_at"], condition=Q(status=MessageStatus.SENDING), name="message_sending"),
            models.Index(fields=["organization", "-created_at"], name="message_org_created"),
            models.Index(fields=["backend", "provider_id"], name="message_provider_id"),
            models.Index(fields=["content_type", "object_id"], name="message_related"),
            models.Index(fields=["to", "claimed_at"], name="message_to_claimed"),  # who messaged a number lately
        ]

    def __str__(self):
        return f"{self.template} -> {self.to or '-'} ({self.get_status_display()})"


class SmsOptOut(SameOrganizationModel, models.Model):
    """When and how a participant said they no longer want SMS (e.g. replied STOP).

    Written only in the organisation a STOP was attributed to (see `services.sms_opt_out_record`).
    `keyword` is the fixed word recognised (STOP, ARRET...), never the person's own words; those are in
    `reply_text`, kept only when one organisation was attributed, and shown to its staff and admins only.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sms_opt_outs", verbose_name=_("organisation")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sms_opt_outs", verbose_name=_("participant")
    )
    phone = PhoneNumberField(_("phone"))
    channel = models.CharField(_("how"), max_length=12, choices=OptOutChannel.choices)
    keyword = models.CharField(_("keyword"), max_length=160, blank=True)
    reply_text = models.TextField(
        _("reply text"),
        blank=True,
        help_text=_("The person's own words with the STOP; shown to this organisation's staff and admins only."),
    )
    backend = models.CharField(_("provider"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")
        constraints = [_choices_check("channel", OptOutChannel.choices)]

    def __str__(self):
        return f"{self.participant} ({self.received_at:%Y-%m-%d})"


class SmsSuppressionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def lift(self, phone, *, now=None) -> int:
        """The number opted in again somewhere: SMS may go to it again (where it has consent)."""
        number = getattr(phone, "as_e164", None) or str(phone or "")
        if not number:
            return 0
        return self.active().filter(phone=number).update(lifted_at=now or timezone.now())


class SmsSuppression(models.Model):
    """A number that replied STOP: no SMS goes to it from any organisation until it opts in again.

    Installation-wide and read by no organisation: no API, no desk page, no admin. It holds the number,
    the fixed keyword and dates, never the person's words nor which organisation the STOP answered.
    """

    phone = models.CharField(_("phone"), max_length=16, unique=True, validators=[E164])
    keyword = models.CharField(_("keyword"), max_length=20)
    backend = models.CharField(_("provider"), max_length=20, blank=True)
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = SmsSuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS suppression")
        verbose_name_plural = _("SMS suppression list")

    def __str__(self):
        return f"#{self.pk} {'lifted' if self.lifted_at else 'active'}"


class SendingHours(models.Model):
    """An organisation's own SMS sending hours (local time); without a row, settings.SMS_SENDING_HOURS apply."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sms_sending_hours", verbose_name=_("organisation")
    )
    starts_at = models.TimeField(_("send from"))
    ends_at = models.TimeField(_("send until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SMS sending hours")
        verbose_name_plural = _("SMS sending hours")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="sendinghours_valid")
        ]

    def __str__(self):
        return f"{self.organization}: {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class SmsWording(models.Model):
    """An organisation's own wording of one SMS (a key of messaging.texts, e.g. `loan_reminder.before`) in one
    language; without a row the catalogue's default is sent. Checked on save (messaging.services.wordings):
    known placeholders only, the organisation's name first. Its history is kept."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sms_wordings", verbose_name=_("organisation")
    )
    key = models.CharField(_("message"), max_length=40)
    language = models.CharField(_("language"), max_length=5)
    body = models.TextField(_("text"), max_length=640)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SMS wording")
        verbose_name_plural = _("SMS wordings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key", "language"], name="smswording_unique"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.key} {self.language}"
