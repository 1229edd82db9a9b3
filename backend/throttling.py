"""The per-address limit on public token endpoints (`PUBLIC_TOKEN_RATE`, DRF scope `public_token`), for plain
Django views too: the loan card page (/l/<token>) and the label scan (/s/<code>) share it with the public
loan-card API, so guessing tokens or codes is slow whichever door is used."""

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle


class PublicTokenThrottle(ScopedRateThrottle):
    class view:  # ScopedRateThrottle reads the scope from the view
        throttle_scope = "public_token"


def public_token_throttled(request: HttpRequest) -> bool:
    """True when this address has used up its public-token requests for now (the request is counted)."""
    return not PublicTokenThrottle().allow_request(request, PublicTokenThrottle.view)


def client_address(request) -> str:
    """The address the limits count: REMOTE_ADDR, or behind our proxy (BEHIND_PROXY) the last
    X-Forwarded-For hop, the one the proxy appended. The same rule as DRF's NUM_PROXIES (see settings)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
