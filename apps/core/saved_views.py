"""Saved views: a named set of filters and a sort on one staff list, personal or shared.

Each list registers itself once (``register_list``) with its key, its filter form, the rows
a valid form selects and its sorts; everything else is generic and lives here:

- a view stores the list's GET parameters that are fields of its form (paging ones never);
- opening a view (``?view=<id>`` on the list) checks the stored parameters against the form
  as it is *now*: a parameter that is no longer a field, or a value no longer offered (a
  department closed, a tag retired), is dropped and the page says which, never a 500;
- a view is personal, or shared with a department by one who holds
  ``core.share_savedview`` and supervises that department (or the whole desk: no department);
  only such a person changes or deletes a shared view, only its owner a personal one;
- the navigation shows each of the viewer's views with its count: a capped count
  (``COUNT_CAP``) cached in Redis per viewer for ``NAV_TTL`` seconds, the whole menu in one
  cache read; when Redis is down the counts are computed and the page still renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core import navigation
from apps.core.config_cache import ConfigCache
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.models import SavedView
from apps.core.versioned_cache import VersionedCache

SHARE = "core.share_savedview"
COUNT_CAP = 1000  # a count of a view stops here and shows "999+"
NAV_TTL = 60  # seconds a viewer's menu of views (with its counts) is kept
NAME_MAX = 80
# GET parameters of a list that are never part of a view's filters.
NOT_FILTERS = frozenset({"view", "cursor", "after", "page_size", "sort", "csrfmiddlewaretoken"})


@dataclass(frozen=True)
class ListSpec:
    """One list that views can be saved on.

    ``form_class`` is its filter form (its declared fields are the filters a view keeps,
    read without building a form: no query); ``form(data, viewer)`` builds it bound;
    ``rows(form, viewer)`` the rows a valid form selects, for the count; ``sorts`` the
    orders offered, the first one the default.
    """

    key: str
    label: str
    url_name: str
    permission: str | Callable
    form_class: type
    form: Callable
    rows: Callable
    sorts: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def fields(self) -> dict:
        return self.form_class.base_fields

    def allows(self, user) -> bool:
        if not (user is not None and user.is_authenticated and user.is_active):
            return False
        if callable(self.permission):
            return bool(self.permission(user))
        return user.has_perm(self.permission)

    def url(self) -> str:
        return reverse(self.url_name)


_LISTS: dict[str, ListSpec] = {}


def register_list(spec: ListSpec) -> None:
    _LISTS[spec.key] = spec


def spec_for(key: str) -> ListSpec:
    spec = _LISTS.get(key)
    if spec is None:
        raise NotFound(_("There is no such list."), code="saved_view_list_unknown")
    return spec


# --- parameters ----------------------------------------------------------------------


def params_from(query, spec: ListSpec, viewer) -> dict[str, list[str]]:
    """The filters in a query string (a QueryDict or a dict): the form's fields, non-empty."""
    fields = spec.fields
    params: dict[str, list[str]] = {}
    for name in query.keys() if hasattr(query, "keys") else ():
        if name in NOT_FILTERS or name not in fields:
            continue
        values = query.getlist(name) if hasattr(query, "getlist") else _as_list(query[name])
        values = [str(v) for v in values if str(v).strip()]
        if values:
            params[name] = values
    return params


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _query_dict(params: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in params.items():
        data.setlist(name, [str(v) for v in _as_list(values)])
    return data


@dataclass
class Checked:
    """A view's stored filters as the list's form takes them today."""

    data: QueryDict  # what to bind the form to (the kept filters and the sort)
    dropped: list[str]  # one sentence for each filter that had to be dropped


def check(spec: ListSpec, viewer, params: dict, sort: str = "") -> Checked:
    """Keep the stored filters the form still knows and accepts; say which were dropped."""
    fields = spec.fields
    kept, dropped = {}, []
    for name, values in (params or {}).items():
        if name in fields:
            kept[name] = values
        else:
            dropped.append(
                _("The filter “%(filter)s” of this view was dropped: the list no longer has it.")
                % {"filter": name}
            )
    form = spec.form(_query_dict(kept), viewer)
    if not form.is_valid():
        for name, errors in form.errors.items():
            if name in kept:
                kept.pop(name)
                dropped.append(
                    _("The filter “%(filter)s” of this view was dropped: %(reason)s")
                    % {"filter": fields[name].label or name, "reason": " ".join(errors)}
                )
        # Errors across fields (e.g. a date range now the wrong way round): drop the lot
        # rather than guess.
        if "__all__" in form.errors:
            kept = {}
            dropped.append(_("The filters of this view no longer fit together and were dropped."))
    data = _query_dict(kept)
    if sort and sort in dict(spec.sorts):
        data["sort"] = sort
    elif sort:
        dropped.append(_("The sort order of this view is no longer offered; the default order is used."))
    return Checked(data=data, dropped=dropped)


# --- who may do what -------------------------------------------------------------------


def may_share_with(viewer, department_id: int | None) -> bool:
    """A supervisor shares with their own department; one with no department supervises the
    whole desk and shares with any."""
    if department_id is None or not viewer.has_perm(SHARE):
        return False
    return viewer.department_id is None or viewer.department_id == department_id


def may_change(viewer, view: SavedView) -> bool:
    if view.department_id is None:
        return view.owner_id == viewer.pk
    return may_share_with(viewer, view.department_id)


def _departments() -> dict:
    """Every department, closed ones too, by id (a view stays shared with a closed one)."""
    Department = SavedView._meta.get_field("department").related_model
    return {d.pk: d for d in Department.objects.order_by("pk")}


# The departments of the views bar (whom one may share with, whom a view is shared with),
# held by each process until a department changes (``CoreConfig.ready`` watches the model).
departments_cache = ConfigCache("core.saved_view_departments", _departments)


def share_department_list(viewer) -> list:
    """``share_departments`` from the process's copy: no query while no department changed."""
    if not viewer.has_perm(SHARE):
        return []
    return [
        d
        for pk, d in sorted(departments_cache.get().items())
        if d.is_active and (viewer.department_id is None or pk == viewer.department_id)
    ]


def share_departments(viewer):
    """The departments the viewer may share a view with (empty: they may not share)."""
    # The model the relation names (core is below accounts: no import of it).
    Department = SavedView._meta.get_field("department").related_model

    if not viewer.has_perm(SHARE):
        return Department.objects.none()
    departments = Department.objects.filter(is_active=True).order_by("pk")
    if viewer.department_id is not None:
        departments = departments.filter(pk=viewer.department_id)
    return departments


# --- reads -----------------------------------------------------------------------------


def _visible(viewer) -> QuerySet[SavedView]:
    if not (viewer is not None and viewer.is_authenticated):
        return SavedView.objects.none()
    mine = Q(owner=viewer)
    if viewer.department_id:
        mine |= Q(department_id=viewer.department_id)
    return SavedView.objects.filter(mine, list_key__in=[k for k, s in _LISTS.items() if s.allows(viewer)])


def views_for(viewer, list_key: str | None = None) -> list[SavedView]:
    """The viewer's own views and those shared with their department, by name."""
    views = _visible(viewer)
    if list_key:
        views = views.filter(list_key=list_key)
    return list(views.select_related("department", "owner").order_by("list_key", "name", "id"))


def view_get(*, viewer, pk) -> SavedView:
    view = _visible(viewer).select_related("department").filter(pk=pk).first() if pk else None
    if view is None:
        raise NotFound(_("No such saved view, or it is not yours to open."), code="saved_view_not_found")
    return view


def view_url(view: SavedView) -> str:
    return f"{spec_for(view.list_key).url()}?view={view.pk}"


def count(view: SavedView, viewer) -> str:
    """The rows the view selects for this viewer, capped: "999+" past the cap."""
    spec = spec_for(view.list_key)
    checked = check(spec, viewer, view.params, view.sort)
    form = spec.form(checked.data, viewer)
    if not form.is_valid():  # check() kept only what validates; belt and braces
        return "—"
    number = spec.rows(form, viewer).order_by()[:COUNT_CAP].count()
    return f"{COUNT_CAP - 1}+" if number >= COUNT_CAP else str(number)


# --- writes ------------------------------------------------------------------------------


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationFailed(
            _("Give the view a name."), code="saved_view_name_missing", details={"name": [_("Required.")]}
        )
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            _("The name is too long (at most %(max)d characters).") % {"max": NAME_MAX},
            code="saved_view_name_too_long",
            details={"name": []},
        )
    return name


def _name_taken(name) -> ValidationFailed:
    return ValidationFailed(
        _("You already have a view named “%(name)s” on this list.") % {"name": name},
        code="saved_view_name_taken",
        details={"name": [_("Choose another name.")]},
    )


@transaction.atomic
def saved_view_save(
    *,
    actor,
    list_key: str,
    name: str,
    params: dict,
    sort: str = "",
    department_id: int | None = None,
    view: SavedView | None = None,
) -> SavedView:
    """Create a view (``view=None``) or replace one's name, filters, sort and sharing.

    1. The list must exist and be open to the actor; the filters must be the form's fields.
    2. Sharing needs ``core.share_savedview`` for that department; changing a shared view
       too, a personal one only its owner.
    3. A name is unique per owner and list, whatever the letter case (the constraint is the
       last word under a race).
    """
    spec = spec_for(list_key)
    if not spec.allows(actor):
        raise PermissionDenied()
    if view is not None and (view.list_key != list_key or not may_change(actor, view)):
        raise PermissionDenied(
            _("Only its owner, or a supervisor of the department it is shared with, may change this view.")
        )
    if department_id is not None and not may_share_with(actor, department_id):
        raise PermissionDenied(
            _("You may share a view only with a department you supervise."), code="saved_view_share_denied"
        )
    name = _clean_name(name)
    params = params_from(_query_dict(params or {}), spec, actor)
    if sort and sort not in dict(spec.sorts):
        raise ValidationFailed(
            _("Choose one of the offered sort orders."), code="saved_view_sort", details={"sort": []}
        )
    owner_id = view.owner_id if view is not None else actor.pk
    clash = SavedView.objects.filter(owner_id=owner_id, list_key=list_key, name__iexact=name)
    if view is not None:
        clash = clash.exclude(pk=view.pk)
    if clash.exists():
        raise _name_taken(name)
    view = view or SavedView(owner=actor, list_key=list_key)
    view.name, view.params, view.sort, view.department_id = name, params, sort, department_id
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise _name_taken(name) from None
    return view


@transaction.atomic
def saved_view_rename(*, actor, view: SavedView, name: str) -> SavedView:
    return saved_view_save(
        actor=actor,
        list_key=view.list_key,
        name=name,
        params=view.params,
        sort=view.sort,
        department_id=view.department_id,
        view=view,
    )


@transaction.atomic
def saved_view_delete(*, actor, view: SavedView) -> None:
    if not may_change(actor, view):
        raise PermissionDenied(
            _("Only its owner, or a supervisor of the department it is shared with, may change this view.")
        )
    view.delete()


# --- a list page ------------------------------------------------------------------------


@dataclass
class ListState:
    """What a list page binds its filter form to, and its views bar."""

    data: QueryDict
    bar: dict


def list_state(request, list_key: str) -> ListState:
    """``?view=<id>`` opens a saved view: its filters as the form takes them today (the
    dropped ones said in the bar), paging parameters from the request; otherwise the request's
    own parameters."""
    from apps.core.parsing import to_id

    spec = spec_for(list_key)
    viewer = request.user
    data, view, dropped = request.GET, None, []
    if request.GET.get("view"):
        try:
            view = view_get(viewer=viewer, pk=to_id(request.GET["view"]))
        except NotFound as missing:
            dropped.append(str(missing.message))
        else:
            checked = check(spec, viewer, view.params, view.sort)
            data = checked.data.copy()
            for name in ("cursor", "after", "page_size"):
                if name in request.GET:
                    data[name] = request.GET[name]
            dropped = checked.dropped
    departments = share_department_list(viewer)
    current = params_from(data, spec, viewer)
    query = _query_dict(current)
    if data.get("sort"):
        query["sort"] = data["sort"]
    bar = {
        "list_key": list_key,
        "list_url": spec.url(),
        "views": bar_views(viewer, list_key),
        "current": view,
        "may_change": view is not None and may_change(viewer, view),
        "dropped": dropped,
        "departments": departments,
        "query": query.urlencode(),
        "filter_names": sorted(current),
    }
    return ListState(data=data, bar=bar)


# --- the navigation --------------------------------------------------------------------


# Every viewer's menu of views (with its counts), for NAV_TTL seconds; a view saved or deleted
# anywhere (a service, the admin, a cascade) drops them all (``CoreConfig`` connects
# ``menus_cache.changed``): a shared view changes many people's menus at once.
menus_cache = VersionedCache("saved-views:menu:v2", ttl=NAV_TTL)


def nav_items(viewer) -> list[dict]:
    """The viewer's views for the navigation, each with its (capped) count.

    One cache read when warm; on a miss one query for the views and one capped count each.
    """
    return menus_cache.get(f"{viewer.pk}:{viewer.department_id or 0}", lambda: _menu(viewer))


def _menu(viewer) -> list[dict]:
    items = []
    for view in views_for(viewer):
        try:
            url = view_url(view)
            number = count(view, viewer)
        except (NoReverseMatch, NotFound):
            continue
        items.append(
            {
                "key": f"view-{view.pk}",
                "label": view.name,
                "url": url,
                "group": "views",
                "count": number,
                "shared": view.department_id is not None,
                # For the list's views bar (``bar_views``), which reads this same menu.
                "pk": view.pk,
                "list_key": view.list_key,
                "department_id": view.department_id,
            }
        )
    return items


@dataclass(frozen=True)
class BarView:
    """A view as the list's views bar shows it (from the cached menu, not the table)."""

    pk: int
    name: str
    department_id: int | None
    department: object | None


def bar_views(viewer, list_key: str) -> list[BarView]:
    """The viewer's views on one list, by name: read from the navigation's menu (one cache
    read, none when it is warm; built with its counts when it is not, as the navigation
    would build it on this same page), the departments from the process's copy."""
    departments = departments_cache.get()
    return [
        BarView(
            pk=item["pk"],
            name=item["label"],
            department_id=item["department_id"],
            department=departments.get(item["department_id"]),
        )
        for item in nav_items(viewer)
        if item.get("list_key") == list_key
    ]


navigation.register_group(navigation.NavGroup("views", pgettext_lazy("navigation group", "My views"), 15))
navigation.register_provider(nav_items)

# Labels of the generic sorts lists may reuse.
NEWEST = gettext_lazy("Newest first")
OLDEST = gettext_lazy("Oldest first")
