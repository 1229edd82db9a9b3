import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory.choices import DeviceKind
from inventory.models import Device
from organizations.choices import AgeBand, Gender
from organizations.models import Organization, Participant, RevealLog, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import (
    CallOutcome,
    FeePeriod,
    LoanStatus,
    PaymentKind,
    PaymentMethod,
    PeriodKind,
    RenewalMode,
    WaitlistStatus,
)


def default_reminder_offsets() -> list[int]:
    return [-3, 0, 3, 7]


def new_public_token() -> str:
    """128 bits from `secrets`, URL-safe (22 characters): the only thing the loan card's URL /l/<token> carries.

    128 random bits cannot be guessed (OWASP asks at least 64 bits of entropy for such identifiers) and keep
    the SMS short. Tokens issued before, 256 bits and 43 characters, stay in their rows and keep working."""
    return secrets.token_urlsafe(16)


class LoanPolicy(models.Model):
    """An organisation's lending rules, optionally for one device kind; copied onto each loan at checkout."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="loan_policies", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    device_kind = models.CharField(
        _("device kind"), max_length=20, choices=DeviceKind.choices, blank=True, help_text=_("Blank: any kind.")
    )
    period_kind = models.CharField(_("loan period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.DAYS)
    period_days = models.PositiveSmallIntegerField(_("loan period (days)"), null=True, blank=True)
    max_renewals = models.PositiveSmallIntegerField(_("renewals allowed"), default=0)
    renewal_days = models.PositiveSmallIntegerField(_("renewal length (days)"), null=True, blank=True)
    renewal_mode = models.CharField(_("renewal"), max_length=10, choices=RenewalMode.choices, default=RenewalMode.STAFF)
    refuse_renewal_when_waitlist = models.BooleanField(_("no renewal while someone waits for this kind"), default=False)
    fee_amount = models.DecimalField(_("rental fee (EUR)"), max_digits=8, decimal_places=2, default=0)
    fee_period = models.CharField(_("fee period"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.MONTH)
    deposit_amount = models.DecimalField(_("deposit (EUR)"), max_digits=8, decimal_places=2, default=0)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    reminder_offsets = models.JSONField(
        _("reminder days"),
        default=default_reminder_offsets,
        help_text=_("Days relative to the due date, e.g. -3, 0, 3, 7."),
    )
    follow_up_after_days = models.PositiveSmallIntegerField(
        _("follow-up after days overdue"), default=14, help_text=_("Then staff get a task to call or visit.")
    )
    agreement_required = models.BooleanField(_("signed agreement required"), default=True)
    max_open_loans_per_person = models.PositiveSmallIntegerField(
        _("open loans per person (at most)"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. 1: one course tablet each."),
    )
    wipe_on_return = models.BooleanField(_("wipe returned devices"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("loan policy")
        verbose_name_plural = _("loan policies")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="loanpolicy_unique_name"),
            _choices_check("period_kind", PeriodKind.choices),
            _choices_check("fee_period", FeePeriod.choices),
            _choices_check("renewal_mode", RenewalMode.choices),
            _choices_check("device_kind", DeviceKind.choices, blank=True),
            models.CheckConstraint(
                condition=~Q(period_kind=PeriodKind.DAYS) | Q(period_days__gt=0), name="loanpolicy_days_set"
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0, deposit_amount__gte=0), name="loanpolicy_money_positive"
            ),
        ]

    def __str__(self):
        return self.name


class Cohort(models.Model):
    """A course; loans tied to it are due when it ends."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("course (cohort)")
        verbose_name_plural = _("courses (cohorts)")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="cohort_unique_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_period_valid"),
        ]

    def __str__(self):
        return self.name


class CohortMember(SameOrganizationModel, models.Model):
    """A participant of a course: the group checkout lists them."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cohort_members", verbose_name=_("organisation")
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members", verbose_name=_("course"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="cohort_memberships", verbose_name=_("participant")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("course participant")
        verbose_name_plural = _("course participants")
        constraints = [models.UniqueConstraint(fields=["cohort", "participant"], name="cohortmember_unique")]

    def __str__(self):
        return f"{self.participant} in {self.cohort}"


class CohortReservation(SameOrganizationModel, models.Model):
    """Devices of a kind held for a course from its start date: other checkouts may not eat into the hold."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cohort_reservations", verbose_name=_("organisation")
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("course"))
    device_kind = models.CharField(_("device kind"), max_length=20, choices=DeviceKind.choices)
    quantity = models.PositiveSmallIntegerField(_("how many"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reserved by"),
    )
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("devices held for a course")
        verbose_name_plural = _("devices held for courses")
        constraints = [
            _choices_check("device_kind", DeviceKind.choices),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cohortreservation_quantity_positive"),
            models.UniqueConstraint(
                fields=["cohort", "device_kind"],
                condition=Q(released_at__isnull=True),
                name="cohortreservation_one_open_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.get_device_kind_display()} for {self.cohort}"


class DatePlusDays(Func):
    """A date plus a whole number of days, computed by the database (PostgreSQL and SQLite): immutable, so
    it can define a stored generated column."""

    arity = 2
    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date + integer is a date
        return super().as_sql(
            compiler, connection, template="(%(expressions)s::integer)", arg_joiner=" + ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra_context
        )


class LoanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=LoanStatus.ACTIVE)

    def overdue(self, *, on: datetime.date):
        """Open loans overdue on `on` (a calendar date in the organisation's time zone): the due date and
        the loan's grace days have passed (`overdue_after` < on)."""
        return self.open().filter(overdue_after__lt=on)


class Loan(SameOrganizationModel, models.Model):
    """One lending of one or more items (a kit) to a participant, under terms copied from a policy."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="loans", verbose_name=_("organisation")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="loans", verbose_name=_("participant")
    )
    policy = models.ForeignKey(LoanPolicy, on_delete=models.PROTECT, related_name="loans", verbose_name=_("policy"))
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="loans", verbose_name=_("course")
    )
    status = models.CharField(_("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.ACTIVE)
    started_on = models.DateField(_("start date"), default=timezone.localdate)
    due_on = models.DateField(_("due date"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Terms copied from the policy at checkout, so a later policy change does not alter this loan.
    max_renewals = models.PositiveSmallIntegerField(_("renewals allowed"), default=0)
    renewal_days = models.PositiveSmallIntegerField(_("renewal length (days)"), null=True, blank=True)
    renewal_mode = models.CharField(_("renewal"), max_length=10, choices=RenewalMode.choices, default=RenewalMode.STAFF)
    renewals_count = models.PositiveSmallIntegerField(_("renewals used"), default=0)
    fee_amount = models.DecimalField(_("rental fee (EUR)"), max_digits=8, decimal_places=2, default=0)
    fee_period = models.CharField(_("fee period"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.MONTH)
    deposit_amount = models.DecimalField(_("deposit (EUR)"), max_digits=8, decimal_places=2, default=0)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    # The last day of grace: the loan is overdue from the next day on. Kept by the database (a stored generated
    # column), so no write path can leave it behind its due date; the overdue filter, its index and the tallies
    # read it.
    overdue_after = models.GeneratedField(
        expression=DatePlusDays("due_on", "grace_days"),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("overdue after"),
    )
    reminder_offsets = models.JSONField(_("reminder days"), default=default_reminder_offsets)
    follow_up_after_days = models.PositiveSmallIntegerField(_("follow-up after days overdue"), default=14)
    wipe_on_return = models.BooleanField(_("wipe returned devices"), default=False)
    public_token = models.CharField(_("loan card token"), max_length=64, unique=True, default=new_public_token)
    token_revoked_at = models.DateTimeField(_("loan card revoked at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked out by"),
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    note = models.TextField(_("note"), blank=True)
    agreement_required = models.BooleanField(_("signed agreement required"), default=False)
    agreement_signed_at = models.DateTimeField(_("agreement signed at"), null=True, blank=True)
    # The participant's signature drawn on the tablet (PNG), printed on the agreement; empty when signed on paper.
    agreement_signature = models.BinaryField(_("signature"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["overdue_after"])  # derived from due_on and grace_days

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            _choices_check("status", LoanStatus.choices),
            _choices_check("fee_period", FeePeriod.choices),
            _choices_check("renewal_mode", RenewalMode.choices),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("started_on")), name="loan_due_after_start"),
            models.CheckConstraint(
                condition=Q(status=LoanStatus.ACTIVE, closed_at__isnull=True)
                | (~Q(status=LoanStatus.ACTIVE) & Q(closed_at__isnull=False)),
                name="loan_closed_at_matches_status",
            ),
        ]
        indexes = [
            # The overdue filter reads only open loans by the day their grace ends; the reminder scan by due date.
            models.Index(
                fields=["organization", "overdue_after", "id"],
                condition=Q(status=LoanStatus.ACTIVE),
                name="loan_open_overdue_id",
            ),
            models.Index(fields=["due_on"], condition=Q(status=LoanStatus.ACTIVE), name="loan_open_due_all"),
            models.Index(fields=["organization", "-started_on"], name="loan_org_started"),
            models.Index(fields=["participant", "status"], name="loan_participant_status"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.participant} ({self.get_status_display()})"

    def overdue_on(self, on: datetime.date) -> bool:
        """Open and past its due date plus grace days on `on`: LoanQuerySet.overdue's rule, for one loan in hand
        (computed here, so a loan just saved needs no reload of its generated `overdue_after`)."""
        return self.status == LoanStatus.ACTIVE and self.due_on + datetime.timedelta(days=self.grace_days) < on


class LoanTally(models.Model):
    """How many loans each organisation has per status and last day of grace (`Loan.overdue_after`), kept
    exact by database triggers on the loan table (migrations 0004, 0005). The loan list reads its totals here
    (all loans, one status, open, overdue) instead of counting up to a million rows on every page."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=12, choices=LoanStatus.choices)
    overdue_after = models.DateField(_("overdue after"))
    loans = models.BigIntegerField(_("loans"), default=0)

    class Meta:
        verbose_name = _("loan tally")
        verbose_name_plural = _("loan tallies")
        constraints = [
            models.UniqueConstraint(fields=["organization", "status", "overdue_after"], name="loan_tally_unique"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.status} {self.overdue_after}: {self.loans}"


class LoanItem(SameOrganizationModel, models.Model):
    """A device in a loan. `closed_at` is null while the device is with the participant."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="items", verbose_name=_("loan"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="loan_items", verbose_name=_("device"))
    accessories = models.CharField(_("accessories"), max_length=255, blank=True)
    closed_at = models.DateTimeField(_("returned or closed at"), null=True, blank=True)
    return_condition = models.CharField(_("condition on return"), max_length=8, blank=True)
    accessories_returned = models.CharField(_("accessories returned"), max_length=255, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("loan item")
        verbose_name_plural = _("loan items")
        constraints = [
            # At most one open loan per device, whatever the application does.
            models.UniqueConstraint(
                fields=["device"], condition=Q(closed_at__isnull=True), name="loanitem_one_open_per_device"
            ),
            models.UniqueConstraint(fields=["loan", "device"], name="loanitem_unique_device_in_loan"),
        ]

    def __str__(self):
        return f"{self.device} in loan #{self.loan_id}"


class WaitlistEntryQuerySet(models.QuerySet):
    def pending(self):
        """Still in line or holding an offer: what blocks a renewal when the policy says so."""
        return self.filter(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])


class WaitlistEntry(SameOrganizationModel, models.Model):
    """A participant waiting for a device kind; first come, first offered."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="waitlist_entries", verbose_name=_("organisation")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("participant")
    )
    device_kind = models.CharField(_("device kind"), max_length=20, choices=DeviceKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offer_days = models.PositiveSmallIntegerField(
        _("offer valid for (days)"), default=3, help_text=_("How long an offered device is kept for this person.")
    )
    offered_device = models.ForeignKey(
        Device,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_offers",
        verbose_name=_("offered device"),
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_on = models.DateField(_("offer expires on"), null=True, blank=True)
    loan = models.ForeignKey(
        Loan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("loan")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        constraints = [
            _choices_check("status", WaitlistStatus.choices),
            _choices_check("device_kind", DeviceKind.choices),
            models.UniqueConstraint(
                fields=["participant", "device_kind"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_pending_per_kind",
            ),
            # A device is offered to one person at a time.
            models.UniqueConstraint(
                fields=["offered_device"], condition=Q(status="offered"), name="waitlist_one_offer_per_device"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "device_kind", "created_at"],
                condition=Q(status="waiting"),
                name="waitlist_waiting_line",
            )
        ]

    def __str__(self):
        return f"{self.participant} waits for {self.get_device_kind_display()}"


class Payment(SameOrganizationModel, models.Model):
    """A fee or deposit received in cash or by transfer (no payment processor); refunds are marked, not deleted."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="loan_payments", verbose_name=_("organisation")
    )
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="payments", verbose_name=_("loan"))
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True, help_text=_("Empty: not refunded.")
    )
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refunded by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            _choices_check("kind", PaymentKind.choices),
            _choices_check("method", PaymentMethod.choices),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # a refund gives back at most what was paid, and is set together with its time
            models.CheckConstraint(
                condition=Q(refunded_at__isnull=True, refunded_amount__isnull=True)
                | Q(refunded_at__isnull=False, refunded_amount__gt=0, refunded_amount__lte=F("amount")),
                name="payment_refund_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["loan", "kind"], name="payment_loan_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} EUR (loan #{self.loan_id})"


class LoanCall(SameOrganizationModel, models.Model):
    """A call (or visit) about an open loan, usually an overdue one: what came of it and when to try again."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="loan_calls", verbose_name=_("organisation")
    )
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="calls", verbose_name=_("loan"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    next_on = models.DateField(_("next step on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("call about a loan")
        verbose_name_plural = _("calls about loans")
        constraints = [_choices_check("outcome", CallOutcome.choices)]
        indexes = [models.Index(fields=["loan", "at"], name="loancall_loan_at")]

    def __str__(self):
        return f"{self.get_outcome_display()} (loan #{self.loan_id})"


class CardRevealLog(RevealLog):
    """Who saw a loan card's link in clear, when, and how: the card's token is a secret like an internet code
    (whoever holds the link reads the loan). Written by every clear view: the loan in the API and at the desk
    for staff and admins, and every print of the agreement, whose QR code carries the link, for any role."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("shown")
        PRINT = "print", _("printed")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="card_reveals", verbose_name=_("organisation")
    )
    loan = models.ForeignKey("Loan", on_delete=models.CASCADE, related_name="card_reveals", verbose_name=_("loan"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    where = models.CharField(_("where"), max_length=40)  # "api", "desk", "api agreement", ...

    class Meta(RevealLog.Meta):
        verbose_name = _("loan card reveal")
        verbose_name_plural = _("loan card reveals")

    def __str__(self):
        return f"{self.loan_id} {self.purpose} {self.at:%Y-%m-%d %H:%M}"


class CentreSessionQuerySet(models.QuerySet):
    def running(self, now: datetime.datetime | None = None):
        """Started and not over: not ended by hand and its set length not yet past."""
        return self.filter(ended_at__isnull=True, ends_at__gt=now or timezone.now())


class CentreSession(SameOrganizationModel, models.Model):
    """One use of a computer in the centre (a computer room, a course): by a participant, or by a visitor without
    a file, counted by age band and gender only. It ends by hand or at its set length (`ends_at`); a session
    past the organisation's daily limit for the person carries who overrode it and why."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="centre_sessions", verbose_name=_("organisation")
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="centre_sessions", verbose_name=_("device")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centre_sessions",
        verbose_name=_("participant"),
        help_text=_("Empty: a visitor without a file."),
    )
    visitor_age_band = models.CharField(_("visitor's age band"), max_length=8, choices=AgeBand.choices, blank=True)
    visitor_gender = models.CharField(_("visitor's gender"), max_length=10, choices=Gender.choices, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    day = models.DateField(_("day"), help_text=_("The day it started, in the organisation's time zone."))
    ends_at = models.DateTimeField(_("set to end at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by_hand = models.BooleanField(_("ended by hand"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    limit_overridden = models.BooleanField(_("daily limit overridden"), default=False)
    override_reason = models.CharField(_("why the limit was overridden"), max_length=255, blank=True)

    objects = CentreSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("session in the centre")
        verbose_name_plural = _("sessions in the centre")
        constraints = [
            _choices_check("visitor_age_band", AgeBand.choices, blank=True),
            _choices_check("visitor_gender", Gender.choices, blank=True),
            # one session at a time on a device: a second start is refused by the database too
            models.UniqueConstraint(
                fields=["device"], condition=Q(ended_at__isnull=True), name="centresession_one_open_per_device"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("started_at")), name="centresession_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="centresession_ended_after_start",
            ),
            # a visitor's age band and gender are only for sessions without a participant (theirs is on their file)
            models.CheckConstraint(
                condition=Q(participant__isnull=True) | Q(visitor_age_band="", visitor_gender=""),
                name="centresession_visitor_fields_without_participant",
            ),
            models.CheckConstraint(
                condition=Q(limit_overridden=False) | ~Q(override_reason=""), name="centresession_override_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "participant", "day"], name="centresession_person_day"),
            models.Index(fields=["organization", "started_at"], name="centresession_org_started"),
            models.Index(fields=["device", "started_at"], name="centresession_device_started"),
        ]

    def __str__(self):
        return f"{self.device} {self.started_at:%Y-%m-%d %H:%M}"
