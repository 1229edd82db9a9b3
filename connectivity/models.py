"""Affordable-internet programmes with their eligibility codes, and digicheques.

Programmes and packs are shared data (a provider's offer, not an organisation's); batches, codes and
cheques belong to one organisation. Codes are secrets: they leave the database only through an
explicit, logged reveal, the participant's letter or SMS, and the participant's own loan card.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory.models import Device, RepairTicket
from organizations.models import Grant, Organization, Participant, RevealLog, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import (
    CODE_HELD_STATUSES,
    CodeStatus,
    ConnectionType,
    DigichequeStatus,
    DigichequeUse,
    EligibilityBasis,
    ModemHandover,
)

NATIONAL_NUMBER_RE = re.compile(r"\d{2}\D?\d{2}\D?\d{2}\D?\d{3}\D?\d{2}")


def refuse_national_number(value: str) -> None:
    """Eligibility is recorded as a category; a national register number must never be stored."""
    if value and NATIONAL_NUMBER_RE.search(value):
        raise ValidationError(
            _("This looks like a national register number: record the category of eligibility instead."),
            code="national_number",
        )


def mask_code(code: str) -> str:
    """What lists show: the last three characters only (enough to match a paper), the rest hidden."""
    if len(code) < 8:
        return "•" * len(code)
    return "•" * (len(code) - 3) + code[-3:]


def mask_serial(serial: str) -> str:
    """A digicheque's serial as lists show it: the last four characters (enough to match the paper cheque in
    hand), the rest hidden; a cheque is a bearer voucher, like an internet code."""
    if len(serial) < 8:
        return "•" * len(serial)
    return "•" * (len(serial) - 4) + serial[-4:]


class ConnectivityProgramme(models.Model):
    """A provider's affordable-internet offer that partner organisations hand out (data, not code)."""

    provider = models.CharField(_("provider"), max_length=80)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    eligibility_rules = models.TextField(
        _("eligibility rules"), blank=True, help_text=_("In plain words: who may receive a code.")
    )
    one_per_household = models.BooleanField(_("one per household"), default=False)
    recheck_interval_months = models.PositiveSmallIntegerField(
        _("re-check eligibility every (months)"), null=True, blank=True, help_text=_("Empty: never re-checked.")
    )
    activation_url = models.URLField(_("activation web address"), blank=True)
    activation_phone = models.CharField(_("activation phone number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("connectivity programme")
        verbose_name_plural = _("connectivity programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(recheck_interval_months__isnull=True) | Q(recheck_interval_months__gte=1),
                name="programme_recheck_positive",
            )
        ]

    def __str__(self):
        return self.name


class Pack(models.Model):
    """One offer within a programme; allowances change over time, so they are data here."""

    programme = models.ForeignKey(
        ConnectivityProgramme, on_delete=models.PROTECT, related_name="packs", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=40)
    monthly_price = models.DecimalField(_("monthly price (EUR)"), max_digits=8, decimal_places=2)
    data_allowance = models.CharField(
        _("data allowance"), max_length=60, blank=True, help_text=_("As the provider states it, e.g. 20 GB.")
    )
    connection_type = models.CharField(_("connection"), max_length=10, choices=ConnectionType.choices)
    modem_included = models.BooleanField(_("modem included"), default=False)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, help_text=_("Empty: no fixed term.")
    )
    renewable = models.BooleanField(_("renewable"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__name", "monthly_price", "name"]
        verbose_name = _("pack")
        verbose_name_plural = _("packs")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="pack_unique_name"),
            models.CheckConstraint(condition=Q(monthly_price__gte=0), name="pack_price_positive"),
            _choices_check("connection_type", ConnectionType.choices),
        ]

    def __str__(self):
        return f"{self.programme.name} {self.name}"


class CodeBatch(SameOrganizationModel, models.Model):
    """One CSV of codes received from the provider, imported all at once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="code_batches", verbose_name=_("organisation")
    )
    programme = models.ForeignKey(
        ConnectivityProgramme, on_delete=models.PROTECT, related_name="batches", verbose_name=_("programme")
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="code_batches", verbose_name=_("grant")
    )
    reference = models.CharField(_("reference"), max_length=120, blank=True, help_text=_("E.g. the file name."))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")

    def __str__(self):
        return f"{self.programme} {self.reference or self.imported_at.date().isoformat()}"


class EligibilityCodeQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status__in=CODE_HELD_STATUSES)

    def expiring(self, *, before):
        return self.filter(status__in=(CodeStatus.AVAILABLE, CodeStatus.ASSIGNED), expires_on__lt=before)


class EligibilityCode(SameOrganizationModel, models.Model):
    """A personal code with which a participant becomes the provider's customer.

    available -> assigned -> activated, or expired / revoked (with a reason).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="eligibility_codes", verbose_name=_("organisation")
    )
    batch = models.ForeignKey(CodeBatch, on_delete=models.PROTECT, related_name="codes", verbose_name=_("batch"))
    programme = models.ForeignKey(
        ConnectivityProgramme, on_delete=models.PROTECT, related_name="codes", verbose_name=_("programme")
    )
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="codes", verbose_name=_("pack"))
    code = models.CharField(_("code"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CodeStatus.choices, default=CodeStatus.AVAILABLE)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eligibility_codes",
        verbose_name=_("participant"),
    )
    eligibility_basis = models.CharField(
        _("basis of eligibility"), max_length=30, choices=EligibilityBasis.choices, blank=True
    )
    household_ref = models.CharField(
        _("household reference"),
        max_length=80,
        blank=True,
        help_text=_("The organisation's own key for the household (e.g. address); never a national number."),
    )
    # Copied from the programme when assigned, so the database itself can hold the household rule.
    household_exclusive = models.BooleanField(default=False, editable=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    recheck_on = models.DateField(_("re-check eligibility on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=255, blank=True)
    modem = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eligibility_codes",
        verbose_name=_("modem"),
    )
    modem_handover = models.CharField(
        _("modem handover"), max_length=10, choices=ModemHandover.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["code"])

    objects = EligibilityCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-status_changed_at", "-id"]
        verbose_name = _("eligibility code")
        verbose_name_plural = _("eligibility codes")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="code_unique_per_programme"),
            models.UniqueConstraint(
                fields=["organization", "programme", "household_ref"],
                condition=Q(household_exclusive=True, status__in=CODE_HELD_STATUSES),
                name="code_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["programme", "participant"],
                condition=Q(status__in=CODE_HELD_STATUSES),
                name="code_one_per_participant",
            ),
            _choices_check("status", CodeStatus.choices),
            _choices_check("eligibility_basis", EligibilityBasis.choices, blank=True),
            _choices_check("modem_handover", ModemHandover.choices, blank=True),
            models.CheckConstraint(
                condition=~Q(status__in=CODE_HELD_STATUSES) | (Q(participant__isnull=False) & ~Q(eligibility_basis="")),
                name="code_held_has_participant",
            ),
            models.CheckConstraint(
                condition=~Q(status=CodeStatus.REVOKED) | ~Q(revoked_reason=""), name="code_revoked_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(household_exclusive=True) | ~Q(household_ref=""), name="code_exclusive_has_household"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="code_org_status"),
            models.Index(fields=["status", "expires_on"], name="code_status_expiry"),
            models.Index(fields=["recheck_on"], condition=Q(status__in=CODE_HELD_STATUSES), name="code_recheck_due"),
        ]

    def __str__(self):
        return f"{self.pack} {self.masked_code}"

    @property
    def masked_code(self) -> str:
        return mask_code(self.code)


class CodeRevealLog(RevealLog):
    """Who saw a code in clear, when, and why. Written by every reveal, letter and SMS delivery."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="code_reveals", verbose_name=_("organisation")
    )
    code = models.ForeignKey(EligibilityCode, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("code"))
    purpose = models.CharField(_("purpose"), max_length=20, default="reveal")
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta(RevealLog.Meta):
        verbose_name = _("code reveal")
        verbose_name_plural = _("code reveals")

    def __str__(self):
        return f"{self.code_id} {self.purpose} {self.at:%Y-%m-%d %H:%M}"


class DigichequeBatch(SameOrganizationModel, models.Model):
    """Vouchers for an hour of at-home digital help, bought together."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="digicheque_batches", verbose_name=_("organisation")
    )
    supplier = models.CharField(_("supplier"), max_length=120)
    unit_value = models.DecimalField(_("value of one cheque (EUR)"), max_digits=8, decimal_places=2)
    purchase_price = models.DecimalField(_("price paid for the batch (EUR)"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    purchased_on = models.DateField(_("purchased on"), default=timezone.localdate)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    grant = models.ForeignKey(
        Grant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digicheque_batches",
        verbose_name=_("grant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-purchased_on", "-id"]
        verbose_name = _("digicheque batch")
        verbose_name_plural = _("digicheque batches")
        constraints = [
            models.CheckConstraint(condition=Q(unit_value__gte=0), name="digicheque_batch_value_positive"),
            models.CheckConstraint(condition=Q(purchase_price__gte=0), name="digicheque_batch_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="digicheque_batch_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.supplier} {self.purchased_on} ({self.quantity})"


class Digicheque(SameOrganizationModel, models.Model):
    """One voucher: in_stock -> issued -> redeemed, or expired / void."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="digicheques", verbose_name=_("organisation")
    )
    batch = models.ForeignKey(
        DigichequeBatch, on_delete=models.PROTECT, related_name="cheques", verbose_name=_("batch")
    )
    serial = models.CharField(_("serial number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=DigichequeStatus.choices, default=DigichequeStatus.IN_STOCK
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    use = models.CharField(_("use"), max_length=12, choices=DigichequeUse.choices, blank=True, default="")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digicheques",
        verbose_name=_("participant"),
    )
    repair_reference = models.CharField(_("repair reference"), max_length=80, blank=True)
    repair_ticket = models.ForeignKey(
        RepairTicket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digicheques",
        verbose_name=_("repair ticket"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="digicheques", verbose_name=_("device")
    )
    price_charged = models.DecimalField(_("price charged (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redeemed_on = models.DateField(_("redeemed on"), null=True, blank=True)
    redeemed_purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch_id", "serial"]
        verbose_name = _("digicheque")
        verbose_name_plural = _("digicheques")
        constraints = [
            models.UniqueConstraint(fields=["organization", "serial"], name="digicheque_unique_serial"),
            _choices_check("status", DigichequeStatus.choices),
            _choices_check("use", DigichequeUse.choices, blank=True),
            models.CheckConstraint(
                condition=Q(price_charged__gte=0) | Q(price_charged__isnull=True), name="digicheque_charge_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[DigichequeStatus.ISSUED, DigichequeStatus.REDEEMED])
                | Q(use=DigichequeUse.PARTICIPANT, participant__isnull=False)
                | (Q(use=DigichequeUse.REPAIR) & ~Q(repair_reference="")),
                name="digicheque_issued_has_use",
            ),
            models.CheckConstraint(
                condition=~Q(status=DigichequeStatus.REDEEMED) | Q(redeemed_on__isnull=False),
                name="digicheque_redeemed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="digicheque_org_status")]

    def __str__(self):
        return self.masked_serial  # in the admin's titles, choices and "Recent actions" too

    @property
    def masked_serial(self) -> str:
        return mask_serial(self.serial)


class ChequeRevealLog(RevealLog):
    """Who saw a digicheque's serial in clear, when, and why: every POST .../digicheques/{id}/reveal/."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cheque_reveals", verbose_name=_("organisation")
    )
    cheque = models.ForeignKey(
        Digicheque, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("digicheque")
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta(RevealLog.Meta):
        verbose_name = _("digicheque reveal")
        verbose_name_plural = _("digicheque reveals")

    def __str__(self):
        return f"{self.cheque_id} {self.at:%Y-%m-%d %H:%M}"
