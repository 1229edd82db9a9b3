from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    DAYS = "days", _("A number of days")
    COHORT = "cohort", _("Until the course ends")


class FeePeriod(models.TextChoices):
    ONCE = "once", _("Once")
    WEEK = "week", _("Per week")
    MONTH = "month", _("Per month")


class RenewalMode(models.TextChoices):
    STAFF = "staff", _("Staff approve each renewal")
    AUTOMATIC = "automatic", _("Renews automatically when asked")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Lost or stolen")
    GIVEN = "given", _("Given to the participant")
    WRITTEN_OFF = "written_off", _("Written off")
