"""Small display helpers for ticket pages."""

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.templatetags.dates import format_day, localise_digits
from apps.sla.templatetags.sla import sla_badge
from apps.tickets.models import Ticket
from apps.tickets.templatetags.ticket_tags import tag_chips
from apps.tickets.workflow import Status

register = template.Library()

_STATUS_STYLE = {
    Status.NEW: "text-bg-primary",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.AWAITING_CITIZEN: "text-bg-secondary",
    Status.RESPONDED: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
    Status.REFERRED_TO_COMMITTEE: "text-bg-light border",
    Status.ESCALATED: "text-bg-danger",
    Status.MERGED: "text-bg-light border",
}
_PRIORITY_STYLE = {
    Ticket.Priority.URGENT: "text-bg-danger",
    Ticket.Priority.HIGH: "text-bg-warning",
}


@register.simple_tag
def status_badge(status: str):
    value = Status(status)
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_STYLE.get(value, "text-bg-light"),
        value,
        value.label,
    )


@register.simple_tag
def priority_badge(priority: str):
    value = Ticket.Priority(priority)
    if value not in _PRIORITY_STYLE:
        return ""
    return format_html('<span class="badge {}">{}</span>', _PRIORITY_STYLE[value], value.label)


@register.simple_tag
def arrow() -> str:
    """ "From → to", pointing the way the page reads."""
    return "←" if translation.get_language_bidi() else "→"


@register.simple_tag
def select_field(bound_field, css: str = "form-select form-select-sm"):
    """A <select> for a bound form field, built in Python.

    Django's widget templates render every <option> through its own template include; on
    the ticket list (several selects, dozens of options) that was half the page's time.
    """
    field = bound_field.field
    widget = getattr(field, "widget", None)
    choices = getattr(widget, "choices", None) or getattr(field, "choices", [])
    value = bound_field.value()
    chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}

    def option(key, label) -> str:
        # What format_html would give, without its cost for each of dozens of options.
        selected = " selected" if str(key) in chosen else ""
        return f'<option value="{conditional_escape(key)}"{selected}>{conditional_escape(label)}</option>'

    parts = []
    for key, label in choices:
        key = getattr(key, "value", key)  # ModelChoiceIteratorValue
        if isinstance(label, list | tuple):
            group = "".join(option(k, text) for k, text in label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, mark_safe(group)))  # noqa: S308
        else:
            parts.append(option(key, label))
    return format_html(
        '<select name="{}" id="{}" class="{}">{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        css,
        mark_safe("".join(parts)),
    )


def _url_for_each(name: str):
    """``reverse(name, args=[pk])`` for every pk of a page at the cost of one ``reverse``."""
    marker = 987_654_321_012
    head, _marker, tail = reverse(name, args=[marker]).partition(str(marker))
    head, tail = escape(head), escape(tail)
    return lambda pk: f"{head}{pk}{tail}"


def _ltr(value) -> str:
    """The ``ltr`` filter (apps/core/templatetags/bidi.py), for a plain text."""
    return f'<bdi dir="ltr" class="ltr-token">{escape(value)}</bdi>' if value not in (None, "") else ""


@register.simple_tag(takes_context=True)
def ticket_rows(context, tickets):
    """The rows of a ticket list (``tickets/_rows.html``), one ``<tr>`` per ticket.

    Built in Python, as ``select_field`` builds its options: through the template language
    each row cost a dozen lookups, an include, a ``{% url %}``, a ``blocktranslate`` and
    four tags — a third of the list page's time for 25 rows. What does not change from row
    to row (the link's pattern, the translated words, the badge of each status) is worked
    out once per page. The markup is the one the template had, to the byte.
    """
    bulk = bool(context.get("bulk"))
    detail_url = _url_for_each("tickets:detail")
    anonymous = f'<span class="text-body-secondary">{escape(_("Anonymous"))}</span>'
    select_label = _("Select ticket %(number)s")
    statuses: dict[str, str] = {}
    priorities: dict[str, str] = {}
    kinds: dict[str, str] = {}
    days: dict = {}
    rows = []
    for t in tickets:
        number = escape(t.review_number)
        check = ""
        if bulk:
            check = (
                f'<td class="hc-cell-check"><input class="form-check-input" type="checkbox" name="ticket"'
                f' value="{t.pk}" form="bulk-form" id="bulk-ticket-{t.pk}" data-bulk-row="{number}"'
                f' data-testid="bulk-check" aria-label="{select_label % {"number": number}}">'
                f'<input type="hidden" name="page_ticket" value="{t.pk}" form="bulk-form"></td>'
            )
        if t.kind not in kinds:
            kinds[t.kind] = escape(t.get_kind_display())
        if t.priority not in priorities:
            priorities[t.priority] = priority_badge(t.priority)
        if t.status not in statuses:
            statuses[t.status] = status_badge(t.status)
        chips = t.tag_list
        if chips:
            chips = (
                f' <span class="d-inline-flex flex-wrap gap-1" data-testid="tags">{tag_chips(chips)}</span>'
            )
        citizen = t.citizen
        if citizen:
            citizen = (
                f"<bdi>{escape(citizen.display_name())}</bdi>"
                f' <small class="text-body-secondary">{_ltr(citizen.masked_cpr)}</small>'
            )
        else:
            citizen = anonymous
        department = t.department
        assignee = t.assignee
        received = timezone.localtime(t.received_at)  # shown as day_date and clock_time show it
        day = received.date()
        if day not in days:
            days[day] = format_day(received)
        rows.append(
            f'\n<tr data-testid="ticket-row" data-review-number="{number}">\n'
            f"  {check}\n"
            f'  <td><a class="fw-semibold text-decoration-none" href="{detail_url(t.pk)}">{_ltr(t.review_number)}</a></td>\n'
            f"  <td>{kinds[t.kind]} {priorities[t.priority]}</td>\n"
            f'  <td class="hc-cell-subject"><bdi>{escape(t.subject)}</bdi>{chips or ""}\n</td>\n'
            f"  <td>{citizen}</td>\n"
            f"  <td>{statuses[t.status]}</td>\n"
            f'  <td class="hc-cell-badge">{sla_badge(t.sla_badge)}</td>\n'
            f"  <td>{escape(department) if department else '—'}</td>\n"
            f"  <td>{escape(assignee.display_name()) if assignee else '—'}</td>\n"
            f'  <td class="small hc-cell-when">{days[day]} <span class="text-nowrap">{localise_digits(f"{received:%H:%M}")}</span></td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped or built by format_html


@register.simple_tag
def filter_select(bound_field):
    """One select of the list's filter form with its label, in its grid cell."""
    return format_html(
        '<div class="col-6 col-md-4 col-lg-3 col-xl-2"><label class="form-label small mb-1" for="{}">{}</label>{}</div>',
        bound_field.id_for_label,
        bound_field.label,
        select_field(bound_field),
    )
