"""Answer 503 quickly when the database is unreachable, instead of a bare 500 or a hanging request.

PostgreSQL connections fail within `DB_CONNECT_TIMEOUT` seconds (settings: OPTIONS connect_timeout),
so a request never waits longer than that for a database that went away. Django marks the broken
connection and closes it at the end of the request; the next request connects anew.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def database_unavailable_response(request) -> HttpResponse:
    detail = _("The database is unavailable at the moment. Please try again in a minute.")
    if _wants_json(request):
        response = JsonResponse({"detail": detail, "code": "database_unavailable", "fields": {}}, status=503)
    else:
        title = escape(_("Temporarily unavailable"))
        page = (
            f'<!doctype html><html lang="{escape(getattr(request, "LANGUAGE_CODE", "en"))}"><head>'
            f'<meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(detail)}</p></body></html>"
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Maps OperationalError/InterfaceError raised by a view (API or page) to a translated 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            # with the traceback: a deadlock or a missing migration also lands here, and the operator must see which
            logger.error(
                "database unavailable during %s %s: %s", request.method, request.path, exception, exc_info=exception
            )
            return database_unavailable_response(request)
        return None
