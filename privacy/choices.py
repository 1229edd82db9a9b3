from django.db import models
from django.utils.translation import gettext_lazy as _


class AnonymisationRule(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    REQUEST = "request", _("Erased on the participant's request")


class ConsentChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("On paper")
    SMS_KEYWORD = "sms_keyword", _("Reply by SMS (STOP)")
    STAFF_ENTRY = "staff_entry", _("Entered by staff")


class PrivacyAction(models.TextChoices):
    EXPORT_JSON = "export_json", _("Data exported (JSON)")
    EXPORT_PDF = "export_pdf", _("Data exported (PDF)")
    ERASE = "erase", _("Erased on request")
    ANONYMISE = "anonymise", _("Anonymised after the retention period")
    RETENTION_CHANGE = "retention_change", _("Retention period changed")
