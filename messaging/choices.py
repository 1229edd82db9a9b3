from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent")
    UNKNOWN = "unknown", _("Outcome unknown (check with the participant)")


class Encoding(models.TextChoices):
    GSM7 = "gsm7", _("GSM-7")
    UCS2 = "ucs2", _("UCS-2 (Unicode)")


class BlockedReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("The participant has not agreed to receive SMS")
    NO_PHONE = "no_phone", _("The participant has no phone number")
    NOT_MOBILE = "not_mobile", _("The phone number is not a mobile number")
    INVALID_NUMBER = "invalid_number", _("The phone number is not valid")
    INACTIVE = "inactive", _("The participant is no longer active")
    OBSOLETE = "obsolete", _("No longer needed (the loan was returned or its due date changed)")
    SUPPRESSED = "suppressed", _("This number replied STOP: no SMS goes to it until it opts in again")


class OptOutChannel(models.TextChoices):
    SMS_KEYWORD = "sms_keyword", _("Reply by SMS (STOP)")
    STAFF = "staff", _("Told staff")
