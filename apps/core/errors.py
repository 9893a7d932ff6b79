"""One family of domain errors, each with a stable machine code.

Services raise these; ``apps.core.api.exception_handler`` turns them into JSON
``{"code", "message", "details"}`` and ``apps.core.views.render_error`` into a page.
Messages are lazy translations, so they come out in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "application_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(
        self, message: Any = None, *, code: str | None = None, details: dict | None = None, status=None
    ):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    code = "invalid"
    default_message = _("Some of the information is not valid.")


class NotFound(ApplicationError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait and try again.")
