from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    JSON = "json", _("JSON")
    CSV = "csv", _("CSV (spreadsheet)")
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("XLSX (Excel)")


class ReportPeriod(models.TextChoices):
    MONTH = "month", _("A month")
    QUARTER = "quarter", _("A quarter")
    YEAR = "year", _("A year")
    GRANT = "grant", _("The grant's whole period")
    CUSTOM = "custom", _("Custom dates")


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Every month (last month)")
    YEARLY = "yearly", _("Every year (last year)")


class ReportLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped: no longer allowed")
