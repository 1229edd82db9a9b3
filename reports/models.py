from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Funder, Grant, Organization, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import DeliveryStatus, ReportFormat, ReportFrequency, ReportLanguage

# E-mailed reports are documents: JSON is offered by the API only.
ATTACHMENT_FORMATS = [
    (ReportFormat.PDF.value, ReportFormat.PDF.label),
    (ReportFormat.CSV.value, ReportFormat.CSV.label),
    (ReportFormat.XLSX.value, ReportFormat.XLSX.label),
]


class ReportSubscription(SameOrganizationModel, models.Model):
    """A user's monthly or yearly report by e-mail, for one funder, one grant or one organisation (exactly one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("user"),
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("funder")
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("grant")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    email = models.EmailField(_("send to"))
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices, default="nl")
    attachment_format = models.CharField(
        _("attachment"), max_length=4, choices=ATTACHMENT_FORMATS, default=ReportFormat.PDF
    )
    frequency = models.CharField(
        _("how often"), max_length=8, choices=ReportFrequency.choices, default=ReportFrequency.MONTHLY
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(funder__isnull=False, grant__isnull=True, organization__isnull=True)
                | Q(funder__isnull=True, grant__isnull=False, organization__isnull=True)
                | Q(funder__isnull=True, grant__isnull=True, organization__isnull=False),
                name="reportsubscription_one_scope",
            ),
            _choices_check("language", ReportLanguage.choices),
            _choices_check("attachment_format", ATTACHMENT_FORMATS),
            _choices_check("frequency", ReportFrequency.choices),
        ]

    def __str__(self):
        return f"{self.email}: {self.funder or self.grant or self.organization}"


class ReportDelivery(models.Model):
    """One subscription's report for one period: the unique row that makes a monthly e-mail go out once."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_start"], name="reportdelivery_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="reportdelivery_period"),
            _choices_check("status", DeliveryStatus.choices),
        ]
        indexes = [
            models.Index(
                fields=["status", "period_start"], condition=Q(status="pending"), name="reportdelivery_pending"
            )
        ]

    def __str__(self):
        return f"{self.subscription_id} {self.period_start:%Y-%m}: {self.get_status_display()}"
