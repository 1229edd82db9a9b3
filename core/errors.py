"""The one error type for domain failures. No web framework here: services raise it, and the API's
exception handler (core.api.errors) turns it into {"detail", "code", "fields"}."""


class DomainError(Exception):
    """A business rule refused the operation (409 by default).

    `code` is stable for machines; `message` is translated for people; `fields` names the input
    that caused it, when there is one.
    """

    status_code = 409  # Conflict

    def __init__(self, code: str, message: str, *, fields: dict | None = None, status_code: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code
