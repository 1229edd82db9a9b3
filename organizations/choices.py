from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    VOLUNTEER = "volunteer", _("Volunteer")


class FunderKind(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation")
    PUBLIC = "public", _("Public authority")
    COMPANY = "company", _("Company")
    RECOVERY_FUND = "recovery_fund", _("Recovery fund")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    FROM_18 = "18-29", _("18 to 29")
    FROM_30 = "30-44", _("30 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65+", _("65 and over")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other / non-binary")
    UNSAID = "unsaid", _("Prefers not to say")


class StaffTaskKind(models.TextChoices):
    LOAN_FOLLOW_UP = "loan_follow_up", _("Follow up an overdue loan (call or visit)")
    CODE_RECHECK = "code_recheck", _("Re-check eligibility for an internet code")
    MESSAGE_REVIEW = "message_review", _("Check whether an SMS went out")
    RENEWAL_REQUEST = "renewal_request", _("Answer a renewal asked on the loan card")
    OTHER = "other", _("Other")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ClosureKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    OWN = "own", _("Closed (own dates)")
