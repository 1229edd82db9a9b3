"""What an SMS body may not show in the log: the internet code it delivered, the loan-card link it carried.

The SMS log (API, admin) shows every body masked, to every role: a code is seen in clear only through
its reveal (`POST /api/v1/connectivity/codes/{id}/reveal/`, logged), a card link only where the role
may reveal it (docs/privacy.md, "Which role sees which secret"). Searching the log does not reach into bodies.

Each template that carries a secret has a finder (`register`, called from MessagingConfig.ready with the
finder of the app below that owns the secret, e.g. connectivity.sms_secrets), for a whole page of messages
in one query.
"""

import re
from collections.abc import Callable, Iterable

MASK = "•••"
CARD_LINK = re.compile(r"(/l/)[A-Za-z0-9_-]{8,}")

# template -> function(messages) -> {message id: [secret strings in that message's body]}
_FINDERS: dict[str, Callable[[list], dict[int, list[str]]]] = {}


def register(template: str, finder: Callable[[list], dict[int, list[str]]]) -> None:
    _FINDERS[template] = finder


def masked_bodies(messages: Iterable) -> dict[int, str]:
    """{message id: body with its secrets and any card link replaced by •••}."""
    messages = list(messages)
    secrets: dict[int, list[str]] = {}
    for template, finder in _FINDERS.items():
        matching = [m for m in messages if m.template == template]
        if matching:
            secrets.update(finder(matching))
    out = {}
    for message in messages:
        body = message.body or ""
        for secret in secrets.get(message.pk, []):
            if secret:
                body = body.replace(secret, MASK)
        out[message.pk] = CARD_LINK.sub(lambda m: m.group(1) + MASK, body)
    return out


def masked_body(message) -> str:
    return masked_bodies([message])[message.pk]
