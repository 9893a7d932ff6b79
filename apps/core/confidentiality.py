"""What a viewer may see of a confidential record: the one policy every output calls.

What a citizen writes to senior management ("Under Your Command", apps.escalations) is for
senior management and administrators only (``accounts.view_uyc_cases``). That rule used to
be applied page by page, and four doors forgot it; now every record that can carry such
text is *registered* here by the app that owns it, and every output — pages, API
serializers, notifications, the outbox, timelines, exports, the admin — asks this module:

- ``is_confidential(obj)``: is this row (a ticket, a case, a contact, a notification, a
  rating, an attachment, a timeline entry …) part of a confidential record?
- ``redact(viewer, objects)``: the same objects, with the text of the confidential ones
  the viewer may not read replaced (a neutral title, empty text). The copies are marked,
  and a registered model refuses to save a marked copy, so redacted text can never be
  written back over the real one.
- ``redacting(viewer, queryset)``: the same queryset, whose rows come out already redacted
  however it is later filtered, sliced or paginated (a selector returns it, so no page,
  serializer or paginator downstream can forget).
- ``visible_rows(viewer, queryset)``: a queryset without the confidential rows, for the
  outputs that cannot redact row by row (the Django admin, file downloads).

The apps register their records from ``AppConfig.ready()`` (``register``), so this floor
imports nobody: tickets, contacts, escalations, notifications and the citizen's timeline
each say how to tell their confidential rows and what to blank in them. A rule may grant
a viewer one object beyond the permission (``readable_by``: a deputy holding a senior
manager's queue reads the delegated cases).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

PERMISSION = "accounts.view_uyc_cases"
_MARK = "_confidential_redacted"

T = TypeVar("T")


def can_read(viewer) -> bool:
    """May ``viewer`` read confidential ("Under Your Command") text at all?"""
    return bool(
        viewer is not None
        and getattr(viewer, "is_authenticated", False)
        and getattr(viewer, "is_active", False)
        and viewer.has_perm(PERMISSION)
    )


def neutral_title() -> str:
    """What a confidential record is called where its own title may not be shown."""
    return _("Confidential message to senior management")


@dataclass(frozen=True)
class Rule:
    kind: type
    is_confidential: Callable[[Any], bool]
    hide: Callable[[Any], None]
    rows: Callable[[], Q] | None = None
    readable_by: Callable[[Any, Any], bool] | None = None


_RULES: dict[type, Rule] = {}


class RedactedCopyError(ValueError):
    """Someone tried to save a copy whose confidential text was blanked for a viewer."""


def _refuse_redacted(sender, instance, **kwargs):
    if getattr(instance, _MARK, False):
        raise RedactedCopyError(f"A redacted copy of a confidential {sender.__name__} cannot be saved.")


def register(
    kind: type,
    *,
    is_confidential: Callable[[Any], bool],
    hide: Callable[[Any], None],
    rows: Callable[[], Q] | None = None,
    readable_by: Callable[[Any, Any], bool] | None = None,
) -> None:
    """Say how to tell a confidential ``kind`` and what of it to blank (idempotent).

    ``hide(obj)`` blanks the object in place; ``rows()`` is the filter matching the
    confidential rows of a model (for querysets); ``readable_by(viewer, obj)`` lets a
    viewer without the permission read one object (delegation).
    """
    _RULES[kind] = Rule(kind, is_confidential, hide, rows, readable_by)
    if issubclass(kind, Model):
        pre_save.connect(_refuse_redacted, sender=kind, dispatch_uid=f"confidentiality:{kind._meta.label}")


def registered() -> list[type]:
    return list(_RULES)


def _rule(obj) -> Rule | None:
    for klass in type(obj).__mro__:
        rule = _RULES.get(klass)
        if rule is not None:
            return rule
    return None


def is_confidential(obj) -> bool:
    rule = _rule(obj)
    return bool(rule is not None and rule.is_confidential(obj))


def is_redacted(obj) -> bool:
    return bool(getattr(obj, _MARK, False))


def may_read(viewer, obj) -> bool:
    """May ``viewer`` read this object's text (always, unless it is confidential)?"""
    rule = _rule(obj)
    if rule is None or can_read(viewer) or not rule.is_confidential(obj):
        return True
    return bool(rule.readable_by is not None and rule.readable_by(viewer, obj))


def redact(viewer, objects: Iterable[T]) -> list[T]:
    """The objects, the confidential ones ``viewer`` may not read blanked in place."""
    result = list(objects)
    if can_read(viewer):
        return result
    for obj in result:
        if obj is None or is_redacted(obj):
            continue
        rule = _rule(obj)
        if rule is None or not rule.is_confidential(obj):
            continue
        if rule.readable_by is not None and rule.readable_by(viewer, obj):
            continue
        rule.hide(obj)
        setattr(obj, _MARK, True)
    return result


def redact_one(viewer, obj: T) -> T:
    return redact(viewer, [obj])[0]


def text(viewer, obj, value: str) -> str:
    """``value`` (a text of ``obj``) when the viewer may read it, else ""."""
    return value if may_read(viewer, obj) else ""


def confidential_rows(model: type[Model]) -> Q | None:
    rule = _RULES.get(model)
    return rule.rows() if rule is not None and rule.rows is not None else None


def visible_rows(viewer, queryset: QuerySet) -> QuerySet:
    """``queryset`` without the confidential rows ``viewer`` may not read."""
    if can_read(viewer):
        return queryset
    condition = confidential_rows(queryset.model)
    return queryset if condition is None else queryset.exclude(condition)


_REDACTING_CLASSES: dict[type, type] = {}


def _redacting_class(base: type[QuerySet]) -> type[QuerySet]:
    klass = _REDACTING_CLASSES.get(base)
    if klass is None:

        def _fetch_all(self):
            fresh = self._result_cache is None
            base._fetch_all(self)
            if fresh:
                redact(self._redact_for, self._result_cache)

        def _clone(self):
            clone = base._clone(self)
            clone._redact_for = self._redact_for
            return clone

        klass = type(f"Redacting{base.__name__}", (base,), {"_fetch_all": _fetch_all, "_clone": _clone})
        _REDACTING_CLASSES[base] = klass
    return klass


def redacting(viewer, queryset: QuerySet) -> QuerySet:
    """``queryset``, its rows redacted for ``viewer`` whenever they are fetched."""
    if can_read(viewer):
        return queryset
    clone = queryset._chain()
    clone.__class__ = _redacting_class(type(queryset))
    clone._redact_for = viewer
    return clone


class ConfidentialAdminMixin:
    """For a read-only ``ModelAdmin``: the rows it lists and opens are redacted for the viewer."""

    def get_queryset(self, request):
        return redacting(request.user, super().get_queryset(request))
