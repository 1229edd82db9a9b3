"""The floor: bare Django views that return the same page as the API from `.values()` as JSON.

They do the same database work as the endpoint they stand beside (token look-up, the caller's
organisations, the total, read from the trigger-kept tallies where the endpoint reads it there, the page,
the page's details) and nothing else: no DRF, no django-filter, no
serializer, no throttle. `endpoint median / floor median` is then the cost of the framework and of the
project's own Python on top of the unavoidable queries and HTTP.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum
from django.http import Http404, HttpRequest, JsonResponse
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework.exceptions import AuthenticationFailed

from connectivity.choices import CODE_HELD_STATUSES
from connectivity.models import Digicheque, EligibilityCode
from inventory.api.serializers import DeviceListRows
from inventory.models import Device, DeviceCount
from loans.api.serializers import LoanListRows
from loans.choices import LoanStatus
from loans.models import Loan, LoanItem
from loans.selectors import loan_page, loan_total_for_user
from loans.services import today
from organizations.auth import TokenAuthentication
from organizations.selectors import scope_to_user

PAGE_SIZE = 50


def _user(request: HttpRequest):
    """The endpoint's own token query (the user and their organisations in one query, its text written once)."""
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    try:
        return TokenAuthentication().authenticate_credentials(key)[0]
    except AuthenticationFailed:
        raise Http404 from None


def _organization_ids(request: HttpRequest) -> list[int]:
    return list(_user(request)._organization_roles)


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, PhoneNumber):
            return str(o)
        return super().default(o)


def _json(data) -> JsonResponse:
    return JsonResponse(data, encoder=_Encoder, safe=False)


def devices(request: HttpRequest) -> JsonResponse:
    organizations = _organization_ids(request)
    queryset = Device.objects.filter(organization_id__in=organizations)
    counts = DeviceCount.objects.filter(organization_id__in=organizations)
    for name in ("status", "kind", "condition"):
        values = request.GET.getlist(name)
        if values:
            queryset = queryset.filter(**{f"{name}__in": values})
            counts = counts.filter(**{f"{name}__in": values})
    total = counts.aggregate(n=Sum("devices"))["n"] or 0  # as the endpoint: the device counts instead of COUNT
    # As the endpoint: the page's ids from the device table alone, then donor and grant joined for those rows.
    page = int(request.GET.get("page", 1))
    ids = queryset.order_by("asset_tag").values("pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = list(Device.objects.filter(pk__in=ids).order_by("asset_tag").values(*DeviceListRows.shared().columns))
    return _json({"count": total, "results": rows})


def overdue_loans(request: HttpRequest) -> JsonResponse:
    user, on = _user(request), today()
    queryset = scope_to_user(Loan.objects.all(), user).overdue(on=on)  # as the endpoint and the total
    # as the endpoint: the loan tallies instead of COUNT, in its one raw query
    total = loan_total_for_user(user, status=LoanStatus.ACTIVE, due_before=on)
    page = int(request.GET.get("page", 1))
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    rows, details = loan_page(queryset.order_by("overdue_after", "id"), LoanListRows.shared().columns, window)
    return _json({"count": total, "results": [{**row, **details[row["id"]]} for row in rows]})


def public_loan(request: HttpRequest, token: str) -> JsonResponse:
    loan = (
        Loan.objects.filter(public_token=token, token_revoked_at__isnull=True)
        .values(
            "id",
            "status",
            "started_on",
            "due_on",
            "renewals_count",
            "max_renewals",
            "participant_id",
            "participant__display_name",
            "participant__preferred_language",
            "organization__name",
            "organization__phone",
            "organization__address",
            "organization__hours_note",
        )  # fmt: skip
        .first()
    )
    if loan is None:
        raise Http404
    participant = loan["participant_id"]
    loan["items"] = list(
        LoanItem.objects.filter(loan_id=loan["id"])
        .order_by("id")
        .values("device__kind", "device__asset_tag", "closed_at")
    )
    loan["codes"] = list(
        EligibilityCode.objects.filter(participant_id=participant, status__in=CODE_HELD_STATUSES)
        .order_by("-assigned_at")
        .values(
            "programme__name",
            "programme__provider",
            "pack__name",
            "pack__monthly_price",
            "code",
            "status",
            "expires_on",
            "activated_on",
            "recheck_on",
        )  # fmt: skip
    )
    loan["cheques"] = list(
        Digicheque.objects.filter(participant_id=participant, status__in=["issued", "redeemed"])
        .order_by("-issued_at")
        .values("serial", "status", "batch__unit_value", "batch__expires_on")
    )
    return _json(loan)
