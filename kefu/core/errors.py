"""The errors services raise; the API turns each into its HTTP status and one JSON shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message: Any = _("The request cannot be processed.")

    def __init__(self, message: Any = None, *, code: str | None = None, detail: Any = None):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.detail = detail
        super().__init__(str(self.message))


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = _("Wrong username or password.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("Someone else changed this in the meantime.")


class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = _("The data is not valid.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many attempts. Please wait a minute and try again.")
