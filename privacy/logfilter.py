"""Keep phone numbers, internet codes and loan-card tokens out of logs and error reports.

`MaskPersonalData` is a logging filter installed on every handler in settings.LOGGING: it formats the
message (and any traceback) once, masks what looks personal, and passes the masked text on. The
exception reporter filter does the same for the request data and local variables in error reports.
Imported by logging configuration before apps load: no models here.
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "***"

# Between the digits of a phone number: a space, dot, slash, dash or plus (a space in a query string), or
# any of those URL-encoded (%20, %2B, %2F...).
_SEP = r"(?:[\s./+-]|%(?:20|2[BbDdEeFf]|09))?"
# A phone number: +32 / 0032 / 0 followed by at least 8 more digits; or a Belgian mobile number written
# without its 0 (470 11 22 33), as people type it into a search box.
PHONE = re.compile(rf"(?<![\w+%])(?:(?:\+|%2[Bb]|00|0)(?:{_SEP}\d){{8,14}}|4\d{{2}}(?:{_SEP}\d){{6}})(?![\w%])")
# The random token in a loan-card URL or the public API, and internet codes named as such.
TOKEN_URL = re.compile(r"(/(?:l|public/loans)/)[A-Za-z0-9_-]{8,}")
CODE_WORD = re.compile(r"(?i)(\bcodes?\b[\s:=\"']{1,4})([A-Z0-9][A-Z0-9-]{5,63})")
# Query-string or form style secrets: phone=..., to=..., code=..., token=..., and what was searched for
# (search=, q=: names and numbers people type into a search box).
PARAM = re.compile(r"(?i)\b(phone|to|from|code|token|body|search|q)=([^&\s]+)")

SENSITIVE_KEYS = re.compile(r"(?i)phone|^to$|^from$|code|token|body|display_name|note|reference|household", re.I)


# The worker's standard output (Celery logs it under this name): in development the console SMS backend
# prints there the SMS it "sends", whose loan-card link must stay usable. Phone numbers are still masked.
KEEPS_CARD_LINKS = {"celery.redirected"}


def mask(text: str, *, tokens: bool = True) -> str:
    """The text with phone numbers, codes and (unless `tokens` is false) card tokens replaced by ***."""
    if not text:
        return text
    text = PARAM.sub(lambda m: f"{m.group(1)}={MASK}", text)
    if tokens:
        text = TOKEN_URL.sub(lambda m: m.group(1) + MASK, text)
    text = CODE_WORD.sub(lambda m: m.group(1) + MASK, text)
    return PHONE.sub(MASK, text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: leave it to the handler to report
            return True
        record.msg = mask(message, tokens=record.name not in KEEPS_CARD_LINKS)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (DEBUG pages, mails to admins) hide personal request fields and mask the rest."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|SID|DATABASE_URL|BROKER_URL|EMAIL_URL", flags=re.I
    )

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None:
            return parameters
        cleansed = parameters.copy()
        for key in list(cleansed):
            if SENSITIVE_KEYS.search(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def cleanse_special_types(self, request, value):
        value = super().cleanse_special_types(request, value)
        return mask(value) if isinstance(value, str) else value

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if SENSITIVE_KEYS.search(name) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Error reports whose text (exception messages included) has phone numbers, codes and tokens masked."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if isinstance(data.get("exception_value"), str):
            data["exception_value"] = mask(data["exception_value"])
        return data

    def get_traceback_text(self):
        return mask(super().get_traceback_text())

    def get_traceback_html(self):
        return mask(super().get_traceback_html())
