"""One error shape for every 4xx: {"detail": str, "code": str, "fields": {name: [messages]}}.

The DRF exception handler (settings: EXCEPTION_HANDLER) and Django's 404 handler for /api/; the error type
itself, DomainError, is core.errors (services raise it without importing DRF)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def _flatten(detail):
    """DRF error details -> {field: [str, ...]} with nested fields joined by dots."""
    fields: dict[str, list[str]] = {}

    def walk(value, prefix):
        if isinstance(value, dict):
            for key, sub in value.items():
                name = "non_field_errors" if key == "non_field_errors" and not prefix else key
                walk(sub, f"{prefix}.{name}" if prefix else str(name))
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                fields.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, sub in enumerate(value):
                    walk(sub, f"{prefix}.{index}" if prefix else str(index))
        else:
            fields.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return fields


def _first_code(codes):
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    return codes if isinstance(codes, str) else "invalid"


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code, "fields": exc.fields}, status=exc.status_code)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        return Response(
            {
                "detail": _("This cannot be deleted while other records use it (%(kinds)s).")
                % {"kinds": ", ".join(kinds)},
                "code": "protected",
                "fields": {},
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        names = ", ".join(name for name in fields if name != "non_field_errors")
        if names:
            detail = _("Invalid input: %(fields)s.") % {"fields": names}
        else:
            detail = "; ".join(fields.get("non_field_errors", [])) or _("Invalid input.")
        response.data = {"detail": detail, "code": _first_code(exc.get_codes()), "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(detail, (dict, list)):
            response.data = {"detail": str(exc), "code": _first_code(code), "fields": _flatten(detail)}
        else:
            response.data = {"detail": str(detail), "code": code if isinstance(code, str) else "error", "fields": {}}
    return response


def api_not_found(request, exception):
    """Django's 404 handler: under /api/ the API's JSON error shape (an id the URL pattern does not take,
    such as -1, never reaches a view), elsewhere Django's own page."""
    if request.path.startswith("/api/"):
        error = exceptions.NotFound()
        return JsonResponse({"detail": str(error.detail), "code": error.default_code, "fields": {}}, status=404)
    return page_not_found(request, exception)
