"""Writes: report requests resolved to a report dict, subscriptions, and the monthly e-mails.

A monthly e-mail goes out at most once per subscription and period: the scan creates one
`ReportDelivery` row per (subscription, period) under a unique constraint, and the sender claims a
row with a conditional UPDATE (pending -> sending) before building and sending; a second scan, a
retried task or a second worker finds nothing to claim.
"""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from organizations.models import Funder, Grant, Organization

from . import selectors
from .choices import DeliveryStatus, ReportFormat, ReportFrequency
from .models import ReportDelivery, ReportSubscription
from .periods import previous_month, year_bounds
from .rendering import XLSX_MEDIA_TYPE, report_csv, report_pdf, report_title, report_xlsx, show

logger = logging.getLogger(__name__)


def report_for(
    *,
    user,
    funder: Funder | None = None,
    grant: Grant | None = None,
    organization: Organization | None = None,
    period_start: datetime.date,
    period_end: datetime.date,
    suppress: bool = False,
) -> dict:
    """The report a user may read for one scope: funder-facing (suppressed) unless the user administers it.

    The caller has already resolved the scope object through the user's selectors (404 otherwise).
    `suppress=True` asks for the funder-facing version even where the user could see more.
    """
    if period_end < period_start:
        raise DomainError(
            "period_invalid",
            gettext_lazy("The period ends before it starts."),
            fields={"period_end": [_("Must be on or after period_start.")]},
            status_code=400,
        )
    if organization is not None:
        hide = suppress or selectors.suppression_for(user, [organization.id])
        return selectors.organization_report(
            organization=organization, period_start=period_start, period_end=period_end, suppress=hide
        )
    grants = selectors.report_grants_for_user(user)
    if grant is not None:
        grants, kind = grants.filter(pk=grant.pk), "grant"
    else:
        grants, kind = grants.filter(funder=funder), "funder"
    organization_ids = set(grants.values_list("organization_id", flat=True))
    hide = suppress or selectors.suppression_for(user, organization_ids)
    return selectors.grant_report(
        grants=grants, period_start=period_start, period_end=period_end, suppress=hide, kind=kind
    )


def _check_subscription_scope(*, user, funder, grant, organization) -> None:
    chosen = [name for name, value in (("funder", funder), ("grant", grant), ("organization", organization)) if value]
    if len(chosen) != 1:
        raise DomainError(
            "scope_required",
            gettext_lazy("Choose exactly one of funder, grant or organisation."),
            fields={
                name: [_("Choose exactly one of funder, grant or organisation.")]
                for name in ("funder", "grant", "organization")
            },
            status_code=400,
        )
    if (
        organization is not None
        and not selectors.report_organizations_for_user(user).filter(pk=organization.pk).exists()
    ):
        raise DomainError(
            "not_found",
            gettext_lazy("Unknown organisation."),
            fields={"organization": [_("Not found.")]},
            status_code=400,
        )
    if grant is not None and not selectors.report_grants_for_user(user).filter(pk=grant.pk).exists():
        raise DomainError(
            "not_found", gettext_lazy("Unknown grant."), fields={"grant": [_("Not found.")]}, status_code=400
        )
    if funder is not None and not selectors.report_funders_for_user(user).filter(pk=funder.pk).exists():
        raise DomainError(
            "not_found", gettext_lazy("Unknown funder."), fields={"funder": [_("Not found.")]}, status_code=400
        )


@transaction.atomic
def subscription_create(
    *,
    user,
    email: str,
    language: str,
    attachment_format: str = ReportFormat.PDF,
    frequency: str = ReportFrequency.MONTHLY,
    funder=None,
    grant=None,
    organization=None,
) -> ReportSubscription:
    """A monthly or yearly report for a scope the user may read now (checked again at each sending)."""
    _check_subscription_scope(user=user, funder=funder, grant=grant, organization=organization)
    return ReportSubscription.objects.create(
        user=user,
        funder=funder,
        grant=grant,
        organization=organization,
        email=email,
        language=language,
        attachment_format=attachment_format,
        frequency=frequency,
    )


# --- the monthly e-mails ----------------------------------------------------------------------


def deliveries_create_due(*, today: datetime.date | None = None) -> list[int]:
    """One pending row per active subscription for its last period over (last month, or last year for a
    yearly one; ignored where it exists); the ids still pending.

    A subscription's first report is for the month (or the year) in which it was made.
    """
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    periods = {
        ReportFrequency.MONTHLY: (previous_month(today), today.replace(day=1)),
        ReportFrequency.YEARLY: (year_bounds(today.year - 1), today.replace(month=1, day=1)),
    }
    rows = []
    for frequency, ((start, end), began) in periods.items():
        since = datetime.datetime.combine(began, datetime.time.min, tzinfo=zone)
        due = ReportSubscription.objects.filter(is_active=True, frequency=frequency, created_at__lt=since)
        rows += [
            ReportDelivery(subscription_id=sid, period_start=start, period_end=end)
            for sid in due.values_list("id", flat=True)
        ]
    ReportDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    starts = [start for (start, _end), _began in periods.values()]
    return list(
        ReportDelivery.objects.filter(status=DeliveryStatus.PENDING, period_start__in=starts).values_list(
            "id", flat=True
        )
    )


def _subscription_report(subscription: ReportSubscription, delivery: ReportDelivery) -> dict | None:
    user = subscription.user
    if not user.is_active:
        return None
    if (
        subscription.organization_id
        and not selectors.report_organizations_for_user(user).filter(pk=subscription.organization_id).exists()
    ):
        return None
    if subscription.grant_id and not selectors.report_grants_for_user(user).filter(pk=subscription.grant_id).exists():
        return None
    if (
        subscription.funder_id
        and not selectors.report_funders_for_user(user).filter(pk=subscription.funder_id).exists()
    ):
        return None
    return report_for(
        user=user,
        funder=subscription.funder,
        grant=subscription.grant,
        organization=subscription.organization,
        period_start=delivery.period_start,
        period_end=delivery.period_end,
    )


def delivery_send(*, delivery_id: int) -> str:
    """Claim one pending delivery (conditional UPDATE) and e-mail its report; a no-op for any other state.

    A failure puts the row back to pending (tried again by the next scan); a success marks it sent.
    """
    claimed = ReportDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return "not_claimed"
    delivery = ReportDelivery.objects.select_related(
        "subscription__user", "subscription__funder", "subscription__grant", "subscription__organization"
    ).get(pk=delivery_id)
    subscription = delivery.subscription
    try:
        with translation.override(subscription.language):
            report = _subscription_report(subscription, delivery)
            if report is None:
                ReportDelivery.objects.filter(pk=delivery_id).update(
                    status=DeliveryStatus.SKIPPED, attempts=delivery.attempts + 1
                )
                return "skipped"
            _send_report_email(subscription, report)
    except Exception as error:  # the e-mail did not go out: hand the row back for the next scan
        logger.exception("report delivery %s failed", delivery_id)
        ReportDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, attempts=delivery.attempts + 1, last_error=str(error)[:255]
        )
        return "failed"
    ReportDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
    )
    return "sent"


def _send_report_email(subscription: ReportSubscription, report: dict) -> None:
    title = report_title(report)
    period = f"{report['period']['start']} – {report['period']['end']}"
    lines = [
        _("Hello,"),
        "",
        (
            _("Attached is the yearly report %(title)s for %(period)s.")
            if subscription.frequency == ReportFrequency.YEARLY
            else _("Attached is the monthly report %(title)s for %(period)s.")
        )
        % {"title": title, "period": period},
        "",
        _("Devices received: %(count)s") % {"count": show(report["devices_received"]["count"])},
        _("Loans started: %(count)s") % {"count": show(report["loans"]["started"])},
        _("People reached: %(count)s") % {"count": show(report["people"]["reached"])},
        "",
        _("You receive this e-mail because you subscribed to this report in Lendwise."),
    ]
    message = EmailMessage(subject=f"{title} ({period})", body="\n".join(lines), to=[subscription.email])
    stem = f"report-{report['period']['start'][: 4 if subscription.frequency == ReportFrequency.YEARLY else 7]}"
    if subscription.attachment_format == ReportFormat.CSV:
        message.attach(f"{stem}.csv", report_csv(report), "text/csv")
    elif subscription.attachment_format == ReportFormat.XLSX:
        message.attach(f"{stem}.xlsx", report_xlsx(report), XLSX_MEDIA_TYPE)
    else:
        message.attach(f"{stem}.pdf", report_pdf(report), "application/pdf")
    message.send()
