"""Reads: scoped querysets for the API, the participant's own items, and aggregates for funder reports."""

import datetime

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from organizations.selectors import scope_to_user

from .choices import CODE_HELD_STATUSES, DigichequeStatus
from .models import (
    CodeBatch,
    CodeRevealLog,
    ConnectivityProgramme,
    Digicheque,
    DigichequeBatch,
    EligibilityCode,
    Pack,
)

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def programmes_for_user(user) -> QuerySet[ConnectivityProgramme]:
    return ConnectivityProgramme.objects.all()


def packs_for_user(user) -> QuerySet[Pack]:
    return Pack.objects.select_related("programme")


def code_batches_for_user(user) -> QuerySet[CodeBatch]:
    return scope_to_user(
        CodeBatch.objects.select_related("programme", "grant").annotate(
            code_count=Count("codes"),
            available_count=Count("codes", filter=Q(codes__status="available")),
        ),
        user,
    )


def codes_for_user(user) -> QuerySet[EligibilityCode]:
    return scope_to_user(
        EligibilityCode.objects.select_related("programme", "pack", "participant", "modem"),
        user,
    )


def code_reveals_for_user(user) -> QuerySet[CodeRevealLog]:
    return scope_to_user(CodeRevealLog.objects.select_related("by", "code"), user)


def digicheque_batches_for_user(user) -> QuerySet[DigichequeBatch]:
    return scope_to_user(
        DigichequeBatch.objects.select_related("grant").annotate(
            in_stock_count=Count("cheques", filter=Q(cheques__status=DigichequeStatus.IN_STOCK))
        ),
        user,
    )


def digicheques_for_user(user) -> QuerySet[Digicheque]:
    return scope_to_user(Digicheque.objects.select_related("batch", "participant", "device"), user)


def public_items_for_participant(participant) -> dict:
    """What the participant's own loan card shows: their held codes (in clear: it is theirs) and cheques.

    Only for the participant's card, reached through their own token; never for lists.
    """
    codes = (
        EligibilityCode.objects.filter(participant=participant, status__in=CODE_HELD_STATUSES)
        .select_related("programme", "pack")
        .order_by("-assigned_at")
    )
    cheques = (
        Digicheque.objects.filter(
            participant=participant, status__in=[DigichequeStatus.ISSUED, DigichequeStatus.REDEEMED]
        )
        .select_related("batch")
        .order_by("-issued_at")
    )
    return {
        "codes": [
            {
                "programme": code.programme.name,
                "provider": code.programme.provider,
                "pack": code.pack.name,
                "monthly_price": str(code.pack.monthly_price),
                "data_allowance": code.pack.data_allowance,
                "connection_type": code.pack.connection_type,
                "code": code.code,
                "status": code.status,
                "expires_on": code.expires_on.isoformat() if code.expires_on else None,
                "activated_on": code.activated_on.isoformat() if code.activated_on else None,
                "recheck_on": code.recheck_on.isoformat() if code.recheck_on else None,
                "activation_url": code.programme.activation_url,
                "activation_phone": code.programme.activation_phone,
            }
            for code in codes
        ],
        "digicheques": [
            {
                "serial": cheque.serial,
                "supplier": cheque.batch.supplier,
                "status": cheque.status,
                "expires_on": cheque.batch.expires_on.isoformat() if cheque.batch.expires_on else None,
                "redeemed_on": cheque.redeemed_on.isoformat() if cheque.redeemed_on else None,
            }
            for cheque in cheques
        ],
    }


# --- aggregates for funder reports (no personal data, computed in the database) ------------------


def _scoped(queryset: QuerySet, organization_ids, grant_ids, grant_field: str) -> QuerySet:
    if organization_ids is not None:
        queryset = queryset.filter(organization_id__in=list(organization_ids))
    if grant_ids is not None:
        queryset = queryset.filter(**{f"{grant_field}_id__in": list(grant_ids)})
    return queryset


def code_figures(
    *,
    start: datetime.date,
    end: datetime.date,
    organization_ids=None,
    grant_ids=None,
) -> list[dict]:
    """Codes assigned in [start, end], per programme, pack, grant and current status.

    Rows: programme, pack, grant_id, status, count, monthly_value (sum of the packs' monthly prices).
    """
    queryset = _scoped(EligibilityCode.objects.all(), organization_ids, grant_ids, "batch__grant")
    queryset = queryset.filter(assigned_at__date__gte=start, assigned_at__date__lte=end)
    return list(
        queryset.values("programme__name", "pack__name", "batch__grant_id", "status")
        .annotate(count=Count("id"), monthly_value=Coalesce(Sum("pack__monthly_price"), ZERO))
        .order_by("programme__name", "pack__name", "batch__grant_id", "status")
    )


def code_stock(*, organization_ids=None, grant_ids=None) -> list[dict]:
    """Codes now held, per programme, pack, grant and status (available, assigned, activated, ...)."""
    queryset = _scoped(EligibilityCode.objects.all(), organization_ids, grant_ids, "batch__grant")
    return list(
        queryset.values("programme__name", "pack__name", "batch__grant_id", "status")
        .annotate(count=Count("id"))
        .order_by("programme__name", "pack__name", "batch__grant_id", "status")
    )


def digicheque_figures(
    *,
    start: datetime.date,
    end: datetime.date,
    organization_ids=None,
    grant_ids=None,
) -> list[dict]:
    """Cheques handed out or spent in [start, end], per grant, use and current status.

    Rows: grant_id, use, status, count, value (sum of unit values), charged (sum of prices charged).
    """
    queryset = _scoped(Digicheque.objects.all(), organization_ids, grant_ids, "batch__grant")
    queryset = queryset.filter(issued_at__date__gte=start, issued_at__date__lte=end)
    return list(
        queryset.values("batch__grant_id", "use", "status")
        .annotate(
            count=Count("id"),
            value=Coalesce(Sum("batch__unit_value"), ZERO),
            charged=Coalesce(Sum("price_charged"), ZERO),
        )
        .order_by("batch__grant_id", "use", "status")
    )


def digicheque_balances(*, organization_ids=None, grant_ids=None) -> list[dict]:
    """Per organisation and grant: cheques by status with their face value, and what the batches cost."""
    queryset = _scoped(Digicheque.objects.all(), organization_ids, grant_ids, "batch__grant")
    statuses = DigichequeStatus.values
    aggregates = {}
    for status in statuses:
        aggregates[f"{status}_count"] = Count("id", filter=Q(status=status))
        aggregates[f"{status}_value"] = Coalesce(Sum("batch__unit_value", filter=Q(status=status)), ZERO)
    rows = list(
        queryset.values("organization_id", "batch__grant_id")
        .annotate(total_count=Count("id"), **aggregates)
        .order_by("organization_id", "batch__grant_id")
    )
    batches = _scoped(DigichequeBatch.objects.all(), organization_ids, grant_ids, "grant")
    spent = {
        (row["organization_id"], row["grant_id"]): row["purchase_price"]
        for row in batches.values("organization_id", "grant_id").annotate(purchase_price=Sum("purchase_price"))
    }
    for row in rows:
        row["grant_id"] = row.pop("batch__grant_id")
        row["purchase_price"] = spent.get((row["organization_id"], row["grant_id"]), 0)
    return rows
