from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import DeviceKind

# What a kit may add to the device its policy is for: small extras lent with it, never a second computer.
# A policy for one device kind lends at least one device of that kind; every other device in the kit is of
# that kind too or of one of these kinds (loans.services.loan_checkout refuses anything else, naming it).
KIT_EXTRA_KINDS = frozenset({DeviceKind.EID_READER, DeviceKind.MODEM_4G, DeviceKind.ACCESSORY})


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


class ReturnCondition(models.TextChoices):
    GOOD = "good", _("Good: nothing to repair")
    DAMAGED = "damaged", _("Damaged: needs a repair")


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Device offered")
    FULFILLED = "fulfilled", _("Device lent")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentKind(models.TextChoices):
    FEE = "fee", _("Rental fee")
    DEPOSIT = "deposit", _("Deposit")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")


class CallOutcome(models.TextChoices):
    WILL_RETURN = "will_return", _("Reached: will bring it back")
    NEEDS_TIME = "needs_time", _("Reached: needs more time")
    NO_ANSWER = "no_answer", _("No answer: message left or not")
    WRONG_NUMBER = "wrong_number", _("Wrong or unused number")
    OTHER = "other", _("Other (see the note)")
