"""Answer 503 quickly when the database is unreachable or busy, instead of a bare 500 or a hanging request.

PostgreSQL connections fail within `DB_CONNECT_TIMEOUT` seconds (settings: OPTIONS connect_timeout),
so a request never waits longer than that for a database that went away. Django marks the broken
connection and closes it at the end of the request; the next request connects anew.

Only errors a retry can mend get the 503: the server unreachable, gone, shutting down or out of
connections ("unavailable"), or this request's transaction chosen as a deadlock's victim, or a lock or
statement timeout ("busy"). Any other OperationalError (a table missing because a migration did not run)
is a bug to fix, not an outage: it goes on to Django's 500 and the error log.
"""

import logging
import sqlite3

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
BUSY_RETRY_AFTER_SECONDS = 2

# PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
UNAVAILABLE_CLASSES = ("08", "53", "57P")  # connection exception, insufficient resources, shutdown/crash
BUSY_CODES = ("40001", "40P01", "55P03", "57014")  # serialization failure, deadlock, lock not available, timeout
# SQLite's messages (sqlite3 has no SQLSTATE): its busy timeout ran out, or the file cannot be used.
SQLITE_BUSY = ("database is locked", "database table is locked")
SQLITE_UNAVAILABLE = ("unable to open database file", "disk I/O error", "database disk image is malformed")


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def database_trouble(exception) -> str | None:
    """ "unavailable", "busy", or None for a database error that retrying will not mend."""
    if isinstance(exception, InterfaceError):
        return "unavailable"  # the connection is already closed
    if not isinstance(exception, OperationalError):
        return None
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    if sqlstate is not None:  # PostgreSQL answered with a reason
        if sqlstate.startswith(BUSY_CODES):
            return "busy"
        return "unavailable" if sqlstate.startswith(UNAVAILABLE_CLASSES) else None
    if isinstance(exception.__cause__, sqlite3.Error):
        message = str(exception)
        if message.startswith(SQLITE_BUSY):
            return "busy"
        # The file cannot be read; anything else (no such table, too many variables) is a bug, not an outage.
        return "unavailable" if message.startswith(SQLITE_UNAVAILABLE) else None
    return "unavailable"  # no answer at all from PostgreSQL: could not connect, or the connection dropped


def database_unavailable_response(request, trouble: str = "unavailable") -> HttpResponse:
    if trouble == "busy":
        detail = _("The database is busy at the moment. Please try again in a few seconds.")
        code, retry_after = "database_busy", BUSY_RETRY_AFTER_SECONDS
    else:
        detail = _("The database is unavailable at the moment. Please try again in a minute.")
        code, retry_after = "database_unavailable", RETRY_AFTER_SECONDS
    if _wants_json(request):
        response = JsonResponse({"detail": detail, "code": code, "fields": {}}, status=503)
    else:
        title = escape(_("Temporarily unavailable"))
        page = (
            f'<!doctype html><html lang="{escape(getattr(request, "LANGUAGE_CODE", "en"))}"><head>'
            f'<meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(detail)}</p></body></html>"
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Maps a view's (API or page) database errors that a retry can mend to a translated 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        trouble = database_trouble(exception)
        if trouble is None:
            return None
        method, path = request.method, request.path
        logger.error("database %s during %s %s: %s", trouble, method, path, exception, exc_info=exception)
        return database_unavailable_response(request, trouble)
