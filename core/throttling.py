"""The per-address limit on public token endpoints (`PUBLIC_TOKEN_RATE`, DRF scope `public_token`), for plain
Django views too: the loan card page (/l/<token>) and the label scan (/s/<code>) share it with the public
loan-card API, so guessing tokens or codes is slow whichever door is used."""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle


class PublicTokenThrottle(ScopedRateThrottle):
    class view:  # ScopedRateThrottle reads the scope from the view
        throttle_scope = "public_token"


def public_token_throttled(request: HttpRequest) -> bool:
    """True when this address has used up its public-token requests for now (the request is counted)."""
    return not PublicTokenThrottle().allow_request(request, PublicTokenThrottle.view)


def client_address(request) -> str:
    """The address django-axes counts login failures by: DRF's rule for rate limits (`get_ident`), so both count
    the same client. REMOTE_ADDR, or behind our proxy (BEHIND_PROXY sets NUM_PROXIES to 1) the last
    X-Forwarded-For hop, the one the proxy appended; never the whole header, which a client could vary."""
    return BaseThrottle().get_ident(request) or ""
