from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from .choices import AgeBand, ClosureKind, FunderKind, Gender, Role, StaffTaskKind, Weekday
from .tenancy import SameOrganizationModel


def _choices_check(field: str, choices, *, blank: bool = False) -> models.CheckConstraint:
    allowed = Q(**{f"{field}__in": [value for value, _label in choices]})
    if blank:
        allowed |= Q(**{field: ""})
    return models.CheckConstraint(condition=allowed, name=f"%(app_label)s_%(class)s_{field}_valid")


class Organization(models.Model):
    """A VZW/ASBL. Every tenant-owned row belongs to exactly one organisation."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    short_code = models.CharField(
        _("short code"),
        max_length=4,
        unique=True,
        validators=[MinLengthValidator(2), RegexValidator(r"^[A-Z]{2,4}$", _("Two to four capital letters."))],
        help_text=_("Two to four capital letters used in asset tags, e.g. DT for DT-0042."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours_note = models.CharField(
        _("note on opening hours"),
        max_length=255,
        blank=True,
        help_text=_("Only what the weekly hours cannot say, e.g. coffee group on Wednesday at 10:00."),
    )
    # The address and the practical note as a participant reads them, per language; empty falls back to the
    # text as entered above (organizations/details.py).
    address_nl = models.CharField(_("address in Dutch"), max_length=255, blank=True)
    address_fr = models.CharField(_("address in French"), max_length=255, blank=True)
    address_en = models.CharField(_("address in English"), max_length=255, blank=True)
    address_ar = models.CharField(_("address in Arabic"), max_length=255, blank=True)
    hours_note_nl = models.CharField(_("note in Dutch"), max_length=255, blank=True)
    hours_note_fr = models.CharField(_("note in French"), max_length=255, blank=True)
    hours_note_en = models.CharField(_("note in English"), max_length=255, blank=True)
    hours_note_ar = models.CharField(_("note in Arabic"), max_length=255, blank=True)
    public_holidays_until = models.PositiveSmallIntegerField(
        _("public holidays filled in until"), null=True, blank=True, editable=False
    )
    languages = models.CharField(
        _("languages spoken"), max_length=60, blank=True, help_text=_("Comma-separated codes, e.g. nl,fr,en.")
    )
    sms_sender_name = models.CharField(
        _("SMS sender name"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9 ]{0,11}$", _("At most 11 letters, digits or spaces."))],
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Brussels")
    # On-site use (loans.CentreSession): how long a session lasts, and how many one person may have a day.
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=40,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
        help_text=_("How long a session on a computer in the centre lasts, e.g. 40."),
    )
    sessions_per_day = models.PositiveSmallIntegerField(
        _("sessions per person per day"),
        default=2,
        validators=[MaxValueValidator(50)],
        help_text=_("At most this many sessions a day for one participant; 0: no limit."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(session_minutes__gte=5, session_minutes__lte=600, sessions_per_day__lte=50),
                name="organization_session_rules_valid",
            ),
        ]

    def __str__(self):
        return self.name


class OrganizationLogo(models.Model):
    """A small PNG (at most details.LOGO_MAX_BYTES after resizing) on the loan card's first line. Its own
    table, so that the lists that join the organisation never carry its bytes."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="logo", verbose_name=_("organisation")
    )
    png = models.BinaryField(_("picture"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")
        constraints = [
            models.CheckConstraint(condition=Q(png__isnull=False), name="organizationlogo_png_present"),
        ]

    def __str__(self):
        return str(self.organization)


class OpeningHours(models.Model):
    """One opening period of a weekday: Monday 9:00-12:00 and 13:00-16:00 are two rows."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="hours", verbose_name=_("organisation")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            _choices_check("weekday", Weekday.choices),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="openinghours_closes_after_opens"),
            models.UniqueConstraint(fields=["organization", "weekday", "opens"], name="openinghours_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """Days the organisation is closed: a public holiday (pre-filled) or its own dates, one day or a period."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="closures", verbose_name=_("organisation")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (included)"))
    kind = models.CharField(_("kind"), max_length=16, choices=ClosureKind.choices, default=ClosureKind.OWN)
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("closed days")
        verbose_name_plural = _("closed days")
        constraints = [
            _choices_check("kind", ClosureKind.choices),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="closure_period_valid"),
            # Pre-filling the public holidays twice adds nothing.
            models.UniqueConstraint(
                fields=["organization", "starts_on"], condition=Q(kind="holiday"), name="closure_one_holiday_per_day"
            ),
        ]
        indexes = [models.Index(fields=["organization", "ends_on"], name="closure_org_ends")]

    def __str__(self):
        return f"{self.starts_on}-{self.ends_on} {self.reason}"


class Membership(models.Model):
    """A user's role in one organisation; a user may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org"),
            _choices_check("role", Role.choices),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class Funder(models.Model):
    """A foundation, authority or company that funds organisations. Its users see aggregates only."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FunderKind.choices, default=FunderKind.FOUNDATION)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="funders",
        verbose_name=_("funder users"),
        help_text=_("Logins of the funder's people; they see reports of this funder's grants only."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[users])

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [_choices_check("kind", FunderKind.choices)]

    def __str__(self):
        return self.name


class Grant(models.Model):
    """A funder's money to one organisation for a period; devices and batches link to it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="grants", verbose_name=_("organisation")
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="grants", verbose_name=_("funder"))
    name = models.CharField(_("name"), max_length=120)
    reference = models.CharField(_("funder's reference"), max_length=60, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["organization", "funder", "name"], name="grant_unique_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="grant_period_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0) | Q(amount__isnull=True), name="grant_amount_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.funder})"


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Participant(models.Model):
    """A borrower. Minimal data, kept only as long as the organisation's retention rule says."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participants", verbose_name=_("organisation")
    )
    display_name = models.CharField(
        _("name"), max_length=80, help_text=_("How the person wants to be called; a first name is enough.")
    )
    phone = PhoneNumberField(_("mobile phone"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.PARTICIPANT_LANGUAGES, default="fr"
    )
    sms_consent = models.BooleanField(_("agrees to receive SMS"), default=False)
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("The organisation's own file number, if any.")
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Set once by the privacy work when the person's data is erased; from then on nothing personal is
    # written to this row again (organizations.services.participant_update refuses it on every path).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["organization", "display_name"], name="participant_org_name")]
        constraints = [
            _choices_check("preferred_language", settings.PARTICIPANT_LANGUAGES),
            _choices_check("age_band", AgeBand.choices, blank=True),
            _choices_check("gender", Gender.choices, blank=True),
        ]

    def __str__(self):
        return self.display_name

    @property
    def first_name(self) -> str:
        """What public pages may show: the first word of the name."""
        return self.display_name.split()[0] if self.display_name.strip() else ""


class StaffTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class StaffTask(SameOrganizationModel, models.Model):
    """Something a person at the organisation must do: call about an overdue loan, re-check eligibility...

    Created by scheduled scans; `key` makes each creation idempotent (a second scan adds nothing).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="staff_tasks", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StaffTaskKind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_tasks",
        verbose_name=_("participant"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = StaffTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task for staff")
        verbose_name_plural = _("tasks for staff")
        constraints = [_choices_check("kind", StaffTaskKind.choices)]
        indexes = [
            models.Index(
                fields=["organization", "due_on"], condition=Q(done_at__isnull=True), name="stafftask_open_due"
            )
        ]

    def __str__(self):
        return self.title


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        from django.utils import timezone

        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(SameOrganizationModel, models.Model):
    """An organisation administrator's invitation, sent by e-mail, to join with a role.

    Nobody becomes a member without accepting: the person opens the link from the e-mail, logged in, and
    confirms (`organizations.services.invitation_accept`). Only a hash of the link's token is stored; the
    token itself is in the e-mail alone, so no one reading the database or the API can accept for them.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [_choices_check("role", Role.choices)]
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]

    def __str__(self):
        return f"{self.email} @ {self.organization} ({self.get_role_display()})"


class RevealLog(SameOrganizationModel, models.Model):
    """What every log of a secret seen in clear holds (an internet code, a loan card link, a cheque serial):
    who and when; each subclass adds its organisation (with its own related name) and the secret's row."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]
