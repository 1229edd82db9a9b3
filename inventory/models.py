import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Grant, Organization, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus, DonorKind, RepairOutcome, WipeMethod

LABEL_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: readable when typed from a label


def new_label_code() -> str:
    """Random code for the label's short URL /s/<code>; it carries no information about the device."""
    return "".join(secrets.choice(LABEL_CODE_ALPHABET) for _i in range(10))


class Donor(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="donors", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=DonorKind.choices, default=DonorKind.COMPANY)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="donor_unique_name"),
            _choices_check("kind", DonorKind.choices),
        ]

    def __str__(self):
        return self.name


class DeviceQuerySet(models.QuerySet):
    def lendable(self):
        return self.filter(status=DeviceStatus.AVAILABLE)


class Device(SameOrganizationModel, models.Model):
    """A laptop, tablet or accessory, moved through its lifecycle only by inventory services."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="devices", verbose_name=_("organisation")
    )
    asset_tag = models.CharField(
        _("asset tag"), max_length=20, blank=True, help_text=_("Left blank: generated, e.g. DT-0042.")
    )
    label_code = models.CharField(_("label code"), max_length=16, unique=True, default=new_label_code, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=80, blank=True)
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    cpu = models.CharField(_("processor"), max_length=80, blank=True)
    ram_gb = models.PositiveSmallIntegerField(_("memory (GB)"), null=True, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    os = models.CharField(_("operating system"), max_length=60, blank=True)
    screen_inches = models.DecimalField(
        _("screen size (inches)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=20, choices=DeviceSource.choices, default=DeviceSource.DONATED)
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="devices", verbose_name=_("donor")
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="devices", verbose_name=_("grant")
    )
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    value = models.DecimalField(_("value (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=8, choices=ConditionGrade.choices, default=ConditionGrade.B)
    location = models.CharField(_("location"), max_length=80, blank=True)
    accessories = models.CharField(_("included accessories"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    centre_use = models.BooleanField(
        _("for use in the centre"),
        default=False,
        help_text=_("Used on site in sessions (a computer room, a course), never lent to take home."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.INTAKE, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(fields=["organization", "asset_tag"], name="device_unique_tag"),
            models.UniqueConstraint(
                fields=["organization", "serial"], condition=~Q(serial=""), name="device_unique_serial"
            ),
            _choices_check("kind", DeviceKind.choices),
            _choices_check("source", DeviceSource.choices),
            _choices_check("condition", ConditionGrade.choices),
            _choices_check("status", DeviceStatus.choices),
            models.CheckConstraint(condition=Q(value__gte=0) | Q(value__isnull=True), name="device_value_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="device_org_status"),
            models.Index(fields=["organization", "kind", "status"], name="device_org_kind_status"),
            # the list's filters, each followed by the default ordering and the id: a filtered page's ids come
            # from the index alone (an index-only scan; the list joins the rest for those 50 ids)
            models.Index(fields=["organization", "status", "asset_tag", "id"], name="device_org_status_tag_id"),
            models.Index(fields=["organization", "kind", "asset_tag", "id"], name="device_org_kind_tag_id"),
            models.Index(fields=["organization", "location", "asset_tag"], name="device_org_location_tag"),
            models.Index(fields=["organization", "condition", "asset_tag", "id"], name="device_org_condition_tag_id"),
            # "grade A laptops": the desk's most common combined filter
            models.Index(
                fields=["organization", "kind", "condition", "asset_tag", "id"], name="device_org_kind_cond_tag_id"
            ),
            models.Index(fields=["asset_tag"], name="device_tag"),
        ]

    def __str__(self):
        return f"{self.asset_tag} {self.make} {self.model}".strip()


class DeviceCount(models.Model):
    """How many devices each organisation has per status, kind and condition, so the device list reads its
    total (unfiltered, or filtered on those three) instead of counting up to 150k rows on every page.

    Kept exact by database triggers that only ever INSERT (core/tallies.py, migration 0006): each write
    on the device table adds rows of +n/-n here, and `device_counts_compact` (beat, every ten minutes) folds
    them into one row per key. Insert-only on purpose: a counter row updated in place stays locked until
    commit, and two desks lending kits that move devices in opposite orders deadlocked on PostgreSQL."""

    KEYS = ["organization_id", "status", "kind", "condition"]  # the columns the triggers count by (migration 0006)

    # No foreign-key constraint: the triggers write -1 rows while devices are deleted, also when a whole
    # database is flushed table by table (the counts are then rebuilt: InventoryConfig).
    organization = models.ForeignKey(
        Organization,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)
    condition = models.CharField(_("condition"), max_length=8)
    devices = models.BigIntegerField(_("devices"))

    class Meta:
        verbose_name = _("device count")
        verbose_name_plural = _("device counts")
        indexes = [models.Index(fields=["organization", "status", "kind", "condition"], name="device_count_key")]

    def __str__(self):
        return f"{self.organization_id} {self.status} {self.kind} {self.condition}: {self.devices:+d}"


class DeviceEvent(models.Model):
    """One status transition: who, when, from what to what, and why."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events", verbose_name=_("device"))
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=DeviceStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=DeviceStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        indexes = [models.Index(fields=["device", "-at"], name="device_event_device_at")]

    def __str__(self):
        return f"{self.device_id}: {self.from_status} -> {self.to_status}"


def wipe_certificate_path(instance, filename: str) -> str:
    return f"wipe-certificates/{instance.device.organization_id}/{instance.device_id}/{filename}"


class WipeRecord(models.Model):
    """Proof that a device's data was erased: without one a donated device never becomes available."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="wipes", verbose_name=_("device"))
    method = models.CharField(_("method"), max_length=20, choices=WipeMethod.choices)
    tool = models.CharField(_("tool"), max_length=80, blank=True, help_text=_("e.g. Blancco, nwipe, ShredOS."))
    wiped_on = models.DateField(_("wiped on"), default=timezone.localdate)
    operator = models.CharField(_("operator"), max_length=120, help_text=_("Who did the wipe (person or company)."))
    certificate_reference = models.CharField(_("certificate reference"), max_length=120, blank=True)
    certificate_file = models.FileField(_("certificate file"), upload_to=wipe_certificate_path, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-wiped_on", "-id"]
        verbose_name = _("wipe record")
        verbose_name_plural = _("wipe records")
        constraints = [_choices_check("method", WipeMethod.choices)]

    def __str__(self):
        return f"{self.device_id}: {self.get_method_display()} {self.wiped_on}"


class RepairTicket(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="repairs", verbose_name=_("device"))
    partner = models.CharField(_("repair partner"), max_length=120)
    problem = models.TextField(_("problem"))
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=RepairOutcome.choices, default=RepairOutcome.PENDING
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("repair ticket")
        verbose_name_plural = _("repair tickets")
        constraints = [
            _choices_check("outcome", RepairOutcome.choices),
            models.CheckConstraint(condition=Q(cost__gte=0) | Q(cost__isnull=True), name="repair_cost_positive"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("sent_on")),
                name="repair_returned_after_sent",
            ),
        ]

    def __str__(self):
        return f"{self.device_id}: {self.partner} {self.sent_on}"
