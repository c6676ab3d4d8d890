"""One error hierarchy for motcua.

Every error carries a stable machine ``code`` (for the API's problem details and for tests) and a
message a person can act on, in Vietnamese and in English. Pages show ``str(error)`` in the active
language; the API returns both.
"""

from __future__ import annotations

from django.utils.translation import get_language


class MotcuaError(Exception):
    """Base of motcua's errors. Subclasses set the HTTP status the API maps them to."""

    status = 400
    default_code = "error"

    def __init__(
        self,
        message_vi: str,
        message_en: str,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
        self.params = params or {}
        super().__init__(message_en)

    @property
    def message(self) -> str:
        """The message in the active language (Vietnamese unless English is active)."""
        return self.message_en if (get_language() or "vi").startswith("en") else self.message_vi

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        """RFC 9457 problem-details body."""
        body = {
            "type": f"urn:motcua:error:{self.code}",
            "title": self.message_en,
            "status": self.status,
            "code": self.code,
            "detail": self.message,
            "detail_vi": self.message_vi,
            "detail_en": self.message_en,
        }
        if self.field:
            body["field"] = self.field
        for key in ("missing", "errors"):  # what the person must still give, item by item
            if self.params.get(key):
                body[key] = self.params[key]
        return body


class ValidationError(MotcuaError):
    status = 400
    default_code = "invalid"


class PermissionDenied(MotcuaError):
    status = 403
    default_code = "permission_denied"


class NotFound(MotcuaError):
    status = 404
    default_code = "not_found"


class Conflict(MotcuaError):
    status = 409
    default_code = "conflict"


class RateLimited(MotcuaError):
    status = 429
    default_code = "rate_limited"
