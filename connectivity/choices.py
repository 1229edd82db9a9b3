from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectionType(models.TextChoices):
    MOBILE = "mobile", _("Mobile internet (4G)")
    FIXED = "fixed", _("Fixed internet")


class CodeStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ASSIGNED = "assigned", _("Assigned")
    ACTIVATED = "activated", _("Activated")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


# A code in one of these states is held by a participant (and counts for the household rule).
CODE_HELD_STATUSES = (CodeStatus.ASSIGNED, CodeStatus.ACTIVATED)


class EligibilityBasis(models.TextChoices):
    COURSE_PARTICIPANT = "course_participant", _("Course participant")
    CPAS_CLIENT = "cpas_client", _("CPAS/OCMW client")
    INCREASED_REIMBURSEMENT = "increased_reimbursement", _("Increased reimbursement status (BIM/VT)")
    SOCIAL_TARIFF = "social_tariff", _("Social tariff category")
    OTHER = "other", _("Other")


class ModemHandover(models.TextChoices):
    NONE = "", _("No modem")
    GIVEN = "given", _("Given to keep")


class DigichequeStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    ISSUED = "issued", _("Issued")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")
    VOID = "void", _("Void")


class DigichequeUse(models.TextChoices):
    NONE = "", _("Not used yet")
    PARTICIPANT = "participant", _("Given to a participant")
    REPAIR = "repair", _("Spent on a repair ticket")
