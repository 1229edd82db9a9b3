"""The participant's loan card at /l/<token>: the page the QR code on the agreement opens.

No login and no JavaScript: one small HTML page with its stylesheet inline, in the participant's
language (or the one they pick). It shows the first name only, never a surname, phone or serial.
"""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.throttling import public_token_throttled
from inventory.texts import device_label
from loans.choices import LoanStatus, RenewalMode
from loans.selectors import loan_by_public_token, loan_public_payload
from loans.services import today
from organizations.calendar import opening_hours_text
from organizations.details import logo_data_uri, organization_address

from ..languages import CARD_LANGUAGES, LANGUAGE_COOKIE, RTL_LANGUAGES, card_language
from ..selectors import card_renewal_pending
from ..services import card_renewal_request
from ..texts import renewal_refusal

COOKIE_MAX_AGE = 365 * 24 * 3600


def _throttled(request: HttpRequest) -> bool:
    return public_token_throttled(request)


def days_in_words(due_on: datetime.date, on: datetime.date) -> tuple[str, bool]:
    """'3 days left', 'Due today', '2 days late' in the active language; True when late."""
    days = (due_on - on).days
    if days == 0:
        return _("Bring it back today."), False
    if days == 1:
        return _("Bring it back tomorrow."), False
    # No ngettext: each count that changes the grammar has its own sentence, and the Arabic ones are
    # phrased "days left: N" so one sentence fits every number.
    if days > 1:
        return _("You have %(days)s days left.") % {"days": days}, False
    if days == -1:
        return _("One day late."), True
    return _("%(days)s days late.") % {"days": -days}, True


def _render(request: HttpRequest, template: str, context: dict, *, language: str, chosen: bool, status: int = 200):
    with translation.override(language):
        context = {
            **context,
            "language": language,
            "rtl": language in RTL_LANGUAGES,
            "languages": CARD_LANGUAGES.items(),
        }
        body = render_to_string(template, context, request=request)
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    # The token must not leak to other sites (e.g. a code's activation link), but the renew form needs
    # an Origin header: with "no-referrer" browsers send "Origin: null" and the CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def too_many_requests(request: HttpRequest) -> HttpResponse:
    language, chosen = card_language(request)
    return _render(request, "frontend/card/slow_down.html", {}, language=language, chosen=chosen, status=429)


def not_found(request: HttpRequest, language: str, chosen: bool) -> HttpResponse:
    return _render(request, "frontend/card/not_found.html", {}, language=language, chosen=chosen, status=404)


def _card_context(loan, language: str) -> dict:
    payload = loan_public_payload(loan)
    is_open = loan.status == LoanStatus.ACTIVE
    with translation.override(language):
        when, _late = days_in_words(loan.due_on, today()) if is_open else ("", False)
        late = payload["is_overdue"]  # counted from the due date, marked late once the grace days have passed
        items = [
            {"label": device_label(item["kind"]), "asset_tag": item["asset_tag"], "returned": item["returned"]}
            for item in payload["items"]
        ]
        organization = {
            **payload["organization"],
            "address": organization_address(loan.organization, language),
            "opening_hours": opening_hours_text(loan.organization),
            "logo": logo_data_uri(loan.organization),
        }
    return {
        "card": payload,
        "loan": loan,
        "is_open": is_open,
        "items": items,
        "when": when,
        "late": late,
        "can_renew": is_open and payload["renewals_left"] > 0,
        "renews_automatically": loan.renewal_mode == RenewalMode.AUTOMATIC,
        # An open request for this due date: the card says so instead of offering the button again.
        "pending": card_renewal_pending(loan) if is_open and loan.renewal_mode != RenewalMode.AUTOMATIC else None,
        # The payload already holds the participant's codes and digicheques (connectivity's public items).
        "codes": [_dated(c, "expires_on") for c in payload.get("codes", [])],
        "digicheques": [_dated(c, "expires_on") for c in payload.get("digicheques", []) if c["status"] == "issued"],
        "organization": organization,
    }


@require_http_methods(["GET", "HEAD"])
def loan_card(request: HttpRequest, token: str) -> HttpResponse:
    if _throttled(request):
        return too_many_requests(request)
    loan = loan_by_public_token(token)
    if loan is None:
        return not_found(request, *card_language(request))
    language, chosen = card_language(request, loan.participant.preferred_language)
    context = _card_context(loan, language)
    context["notice"] = request.GET.get("done", "") if request.GET.get("done") in ("renewed", "requested") else ""
    return _render(request, "frontend/card/card.html", context, language=language, chosen=chosen)


@require_POST
def loan_card_renew(request: HttpRequest, token: str) -> HttpResponse:
    """The renew button: renews at once when the loan's policy says so, else asks staff (a task)."""
    if _throttled(request):
        return too_many_requests(request)
    loan = loan_by_public_token(token)
    language, chosen = card_language(request, loan.participant.preferred_language if loan else None)
    if loan is None:
        return not_found(request, language, chosen)
    with translation.override(language):
        try:
            outcome = card_renewal_request(loan=loan)
        except DomainError as error:
            context = _card_context(loan, language)
            context["error"] = renewal_refusal(error.code)
            return _render(request, "frontend/card/card.html", context, language=language, chosen=chosen, status=409)
    return redirect(f"{request.path.rsplit('/renew', 1)[0]}?done={outcome}&lang={language}")


def _dated(item: dict, *names: str) -> dict:
    """The payload's ISO dates as dates, so the card prints them in the participant's language's format."""
    import datetime

    return {**item, **{name: datetime.date.fromisoformat(item[name]) for name in names if item.get(name)}}
