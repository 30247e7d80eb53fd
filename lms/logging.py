"""No personal data in logs: a filter on every log handler (settings.LOGGING) that rewrites each record's message
and traceback with e-mail addresses, password-reset and e-mail confirmation keys, check-in tokens and signatures
replaced by placeholders. Request lines (runserver's access log, Django's "Not Found: /path" warnings) carry keys
and tokens in their paths and query strings; exceptions can carry an address (e.g. a unique-constraint error)."""

from __future__ import annotations

import logging
import re

_RULES = [
    (re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(/accounts/password/reset/key/)[^/\s\"?]+"), r"\1[key]"),
    (re.compile(r"(/accounts/confirm-email/)[^/\s\"?]+"), r"\1[key]"),
    (re.compile(r"(/c/)(?!claim/)[^/\s\"?]+"), r"\1[token]"),
    (re.compile(r"([?&](?:t|token|key|s|code|email|login)=)[^&\s\"]+", re.I), r"\1[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record as it is
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
