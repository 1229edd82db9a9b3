"""Records the privacy work keeps: retention rules, consents, anonymisations and who did what.

None of these rows holds a name, a phone number or free text, so they can stay after anonymisation.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Participant, _choices_check
from organizations.tenancy import SameOrganizationModel

from .choices import AnonymisationRule, ConsentChannel, PrivacyAction

DEFAULT_RETENTION_MONTHS = 24


class RetentionRule(models.Model):
    """How long an organisation keeps a participant's personal data after their last loan, code or cheque closed.

    Without a row the default applies (24 months).
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="retention_rule", verbose_name=_("organisation")
    )
    months = models.PositiveSmallIntegerField(
        _("keep personal data for (months)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Counted from the day the participant's last loan, code or digicheque closed."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(months__gte=1, months__lte=120), name="retention_months_range")
        ]

    def __str__(self):
        return f"{self.organization}: {self.months}"


class Anonymisation(SameOrganizationModel, models.Model):
    """That a participant was anonymised, when and by which rule. One per participant: it is final."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="anonymisations", verbose_name=_("organisation")
    )
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="anonymisation", verbose_name=_("participant")
    )
    rule = models.CharField(_("rule"), max_length=12, choices=AnonymisationRule.choices)
    retention_months = models.PositiveSmallIntegerField(_("retention period (months)"), null=True, blank=True)
    last_closed_at = models.DateTimeField(_("last loan, code or cheque closed at"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("anonymised at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        constraints = [_choices_check("rule", AnonymisationRule.choices)]

    def __str__(self):
        return f"#{self.participant_id} {self.get_rule_display()} {self.at:%Y-%m-%d}"


class ConsentRecord(SameOrganizationModel, models.Model):
    """SMS consent given or withdrawn: when, how and who recorded it. `Participant.sms_consent` is the latest."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("organisation")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("participant")
    )
    given = models.BooleanField(_("consent given"), help_text=_("Off: consent withdrawn."))
    channel = models.CharField(_("how"), max_length=12, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("SMS consent record")
        verbose_name_plural = _("SMS consent records")
        constraints = [_choices_check("channel", ConsentChannel.choices)]
        indexes = [models.Index(fields=["participant", "-recorded_at"], name="consent_participant_at")]

    def __str__(self):
        return f"#{self.participant_id} {'+' if self.given else '-'} {self.recorded_at:%Y-%m-%d}"


class PrivacyLogEntry(models.Model):
    """The privacy audit log: exports, erasures, anonymisations. Never holds the values concerned."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="privacy_log", verbose_name=_("organisation")
    )
    participant_id_ref = models.PositiveBigIntegerField(_("participant number"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=PrivacyAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    detail = models.JSONField(_("detail"), default=dict, blank=True, help_text=_("Field names and counts, no values."))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")
        constraints = [_choices_check("action", PrivacyAction.choices)]

    def __str__(self):
        return f"{self.get_action_display()} #{self.participant_id_ref} {self.at:%Y-%m-%d %H:%M}"
