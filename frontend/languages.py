"""Languages of the participant's pages: the staff languages plus Arabic, each named in itself."""

from django.http import HttpRequest

CARD_LANGUAGES = {
    "nl": "Nederlands",
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
}
RTL_LANGUAGES = {"ar"}
LANGUAGE_COOKIE = "lw_card_lang"
LANGUAGE_PARAM = "lang"


def card_language(request: HttpRequest, preferred: str | None = None) -> tuple[str, bool]:
    """The language to show: ?lang=, then the cookie, then the participant's own, then the browser's.

    Returns (language, chosen_now): `chosen_now` says the query parameter asked for it, so the view
    remembers it in a cookie.
    """
    asked = request.GET.get(LANGUAGE_PARAM, "")
    if asked in CARD_LANGUAGES:
        return asked, True
    cookie = request.COOKIES.get(LANGUAGE_COOKIE, "")
    if cookie in CARD_LANGUAGES:
        return cookie, False
    if preferred in CARD_LANGUAGES:
        return preferred, False
    for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in CARD_LANGUAGES:
            return code, False
    return "fr", False
