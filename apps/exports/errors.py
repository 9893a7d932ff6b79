from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed


class ExportTooLarge(ApplicationError):
    code = "export_too_large"
    status = 403
    default_message = _("This list is too long to export. Narrow the filter, or ask a supervisor.")


class UnknownList(NotFound):
    code = "export_unknown_list"
    default_message = _("There is no such list to export.")


class ExportNotAllowed(PermissionDenied):
    code = "export_forbidden"
    default_message = _("You may not export this list.")


def invalid_filter(form) -> ValidationFailed:
    """The refusal of an export whose filter the list's own form does not accept."""
    from django.utils.translation import gettext

    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return ValidationFailed(
        gettext("The filter is not valid: %(errors)s") % {"errors": " ".join(parts)}, code="invalid_filter"
    )
